/**
 * Revoking Vercel authentication tokens: `DELETE /v3/user/tokens/{tokenId}` with typed errors, the
 * resilience policy of the `Resilience` layer, and lost responses reconciled.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { make as makeDelete } from "./internal/deleteToken.js"
import { validate } from "./internal/tokenId.js"
import type { Resilience } from "./Resilience.js"
import type { DeletedToken } from "./Schemas.js"
import type { DeleteTokenError, InvalidTokenId } from "./TokenError.js"
import type { VercelHttpClient } from "./VercelHttpClient.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface DeleteOptions {
  /** Treat "no such token" (404/410) as success, `{ tokenId, alreadyDeleted: true }`. */
  readonly missingOk?: boolean | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * Revokes the token `tokenId`; the special id `current` revokes the token making the call.
   */
  readonly delete: (tokenId: string, options?: DeleteOptions) => Effect.Effect<DeletedToken, DeleteTokenError>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class TokenService extends Context.Tag("@vercel-auth/core/TokenService")<TokenService, Service>() {}

/**
 * The check `delete` makes before sending anything: the `InvalidTokenId` a token id would fail
 * with, or `undefined` when it can be sent. Exported so that test doubles reject exactly the same ids.
 *
 * @since 0.1.0
 * @category validation
 */
export const validateTokenId: (tokenId: unknown) => InvalidTokenId | undefined = validate

/**
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, VercelHttpClient | Resilience> = makeDelete

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<TokenService, never, VercelHttpClient | Resilience> = Layer.effect(
  TokenService,
  make
)
