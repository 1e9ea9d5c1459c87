/**
 * The `HttpClient` bound to the Vercel API: base URL, `Authorization: Bearer`, `Accept:
 * application/json` and the User-Agent are set once here, and redirects are never followed, so
 * the bearer token only ever goes to the configured origin.
 *
 * @since 0.1.0
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { VercelConfig } from "./VercelConfig.js"

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
export const make: Effect.Effect<HttpClient.HttpClient, never, HttpClient.HttpClient | VercelConfig> = Effect.gen(
  function*() {
    const config = yield* VercelConfig
    const client = yield* HttpClient.HttpClient
    return client.pipe(
      HttpClient.mapRequest((request) =>
        request.pipe(
          HttpClientRequest.prependUrl(config.baseUrl),
          HttpClientRequest.bearerToken(config.token),
          HttpClientRequest.acceptJson,
          HttpClientRequest.setHeader("user-agent", config.userAgent)
        )
      ),
      // undici's `request` never follows redirects; fetch does unless told otherwise. A redirect
      // would carry the bearer token to whatever origin the Location names.
      HttpClient.transform((effect) =>
        Effect.flatMap(
          Effect.serviceOption(FetchHttpClient.RequestInit),
          (init) =>
            Effect.provideService(effect, FetchHttpClient.RequestInit, {
              ...(init._tag === "Some" ? init.value : {}),
              redirect: "manual"
            })
        )
      )
    )
  }
)

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<VercelHttpClient, never, HttpClient.HttpClient | VercelConfig> = Layer.effect(
  VercelHttpClient,
  make
)
