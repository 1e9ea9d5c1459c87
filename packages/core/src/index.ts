/**
 * @since 0.1.0
 */

/**
 * Where and as whom to call the Vercel API: token (redacted), base URL, User-Agent.
 *
 * @since 0.1.0
 */
export * as VercelConfig from "./VercelConfig.js"

/**
 * The `HttpClient` bound to the Vercel API (base URL, bearer, JSON, no redirects).
 *
 * @since 0.1.0
 */
export * as VercelHttpClient from "./VercelHttpClient.js"

/**
 * The retry / rate-limit / deadline policy and the state shared by the calls of one client.
 *
 * @since 0.1.0
 */
export * as Resilience from "./Resilience.js"

/**
 * `TokenService.delete`: revoke a token, with one tagged error per outcome.
 *
 * @since 0.1.0
 */
export * as TokenService from "./TokenService.js"

/**
 * The error classes of the token operations and their union `DeleteTokenError`.
 *
 * @since 0.1.0
 */
export * as TokenError from "./TokenError.js"

/**
 * The data models: `DeletedToken` and Vercel's error body.
 *
 * @since 0.1.0
 */
export * as Schemas from "./Schemas.js"

/**
 * One-stop layers providing `TokenService`, needing only an `HttpClient`.
 *
 * @since 0.1.0
 */
export * as VercelAuth from "./VercelAuth.js"
