/**
 * The `HttpClient` bound to the Vercel API: base URL, `Authorization: Bearer`, `Accept:
 * application/json` and the User-Agent are set once here, and redirects are never followed, so
 * the bearer token only ever goes to the configured origin.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { makeBound } from "./internal/vercelClient.js"
import type { VercelConfig } from "./VercelConfig.js"

/**
 * @since 0.1.0
 * @category tags
 */
export class VercelHttpClient
  extends Context.Tag("@vercel-auth/core/VercelHttpClient")<VercelHttpClient, HttpClient.HttpClient>()
{}

/**
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<HttpClient.HttpClient, never, HttpClient.HttpClient | VercelConfig> = makeBound

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<VercelHttpClient, never, HttpClient.HttpClient | VercelConfig> = Layer.effect(
  VercelHttpClient,
  make
)
