/**
 * @since 0.1.0
 */

/**
 * `createVercelAuth`: the Promise API (and the same operation as an Effect), transport included.
 *
 * @since 0.1.0
 */
export * as VercelAuthClient from "./VercelAuthClient.js"

/**
 * Core's `VercelAuth` layers with the undici transport provided, for Effect applications on Node.
 *
 * @since 0.1.0
 */
export * as VercelAuthNode from "./VercelAuthNode.js"

/**
 * Core's `TokenService` tag and its options, for Effect code using `VercelAuthNode`.
 *
 * @since 0.1.0
 */
export * as TokenService from "@vercel-auth/core/TokenService"

/**
 * Core's error classes and their union `DeleteTokenError`.
 *
 * @since 0.1.0
 */
export * as TokenError from "@vercel-auth/core/TokenError"

/**
 * Core's resilience policy: `ResiliencePolicy` and its `defaults`.
 *
 * @since 0.1.0
 */
export * as Resilience from "@vercel-auth/core/Resilience"

/**
 * Makes a client of the Promise API; see `VercelAuthClient.createVercelAuth`.
 *
 * @since 0.1.0
 * @category constructors
 */
export { createVercelAuth } from "./VercelAuthClient.js"

/**
 * The error classes, for `instanceof` in Promise code and `Effect.catchTag` in Effect code.
 *
 * @since 0.1.0
 * @category errors
 */
export {
  BadRequest,
  Forbidden,
  InvalidTokenId,
  NetworkError,
  RateLimited,
  ServerError,
  Timeout,
  TokenNotFound,
  Unauthorized,
  UnexpectedResponse
} from "@vercel-auth/core/TokenError"

/**
 * Every way a deletion can fail.
 *
 * @since 0.1.0
 * @category errors
 */
export type { DeleteTokenError } from "@vercel-auth/core/TokenError"

/**
 * What a deletion returns: `{ tokenId, alreadyDeleted?: true }`.
 *
 * @since 0.1.0
 * @category models
 */
export type { DeletedToken } from "@vercel-auth/core/Schemas"
