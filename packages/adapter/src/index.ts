/**
 * @since 0.1.0
 */

/**
 * `createVercelAuth`: the Promise API (and the same operations as Effects), transport included.
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
 * The lean `HttpClient` over undici that the adapter wires in: one timer and one bounded read per
 * attempt, at most `connections` sockets, no redirects.
 *
 * @since 0.2.0
 */
export * as UndiciHttpClient from "./UndiciHttpClient.js"

/**
 * Core's `TokenService` tag and its options, for Effect code using `VercelAuthNode`.
 *
 * @since 0.1.0
 */
export * as TokenService from "@vercel-auth/core/TokenService"

/**
 * Core's `IntegrationSso` tag and the SSO grant, for Effect code using `VercelAuthNode`.
 *
 * @since 0.2.0
 */
export * as IntegrationSso from "@vercel-auth/core/IntegrationSso"

/**
 * Core's error classes and their unions (`DeleteTokenError` …).
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
 * Core's models: `AuthToken`, `CreatedToken`, `SsoTokens`, `DeleteResult` …
 *
 * @since 0.2.0
 */
export * as Schemas from "@vercel-auth/core/Schemas"

/**
 * Makes a client of the Promise API; see `VercelAuthClient.createVercelAuth`.
 *
 * @since 0.1.0
 * @category constructors
 */
export { createVercelAuth } from "./VercelAuthClient.js"

/**
 * The error of a call on (or ended by) a disposed client.
 *
 * @since 0.2.0
 * @category errors
 */
export { ClientDisposed } from "./ClientDisposed.js"

/**
 * The error classes, for `instanceof` in Promise code and `Effect.catchTag` in Effect code.
 *
 * @since 0.1.0
 * @category errors
 */
export {
  BadRequest,
  Forbidden,
  InvalidInput,
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
 * Every way each operation can fail.
 *
 * @since 0.1.0
 * @category errors
 */
export type {
  CreateTokenError,
  DeleteTokenError,
  GetTokenError,
  ListTokensError,
  SsoExchangeError
} from "@vercel-auth/core/TokenError"

/**
 * What the operations return.
 *
 * @since 0.1.0
 * @category models
 */
export type { AuthToken, CreatedToken, DeletedToken, DeleteResult, SsoTokens } from "@vercel-auth/core/Schemas"
