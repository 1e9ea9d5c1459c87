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
 * The token group: `delete`, `deleteMany`, `get`, `list` and `create`, each with typed errors.
 *
 * @since 0.1.0
 */
export * as TokenService from "./TokenService.js"

/**
 * `IntegrationSso.exchange`: an integration's SSO code (or refresh token) for tokens.
 *
 * @since 0.2.0
 */
export * as IntegrationSso from "./IntegrationSso.js"

/**
 * The error classes of the token operations and their unions (`DeleteTokenError` …).
 *
 * @since 0.1.0
 */
export * as TokenError from "./TokenError.js"

/**
 * The data models: `AuthToken`, `DeletedToken`, `CreatedToken`, `SsoTokens`, `DeleteResult`, Vercel's error body.
 *
 * @since 0.1.0
 */
export * as Schemas from "./Schemas.js"

/**
 * Where the rate-limit gate keeps its state: in memory by default, or a shared store.
 *
 * @since 0.2.0
 */
export * as GateStore from "./GateStore.js"

/**
 * The limits of one attempt, for transports that enforce them themselves.
 *
 * @since 0.2.0
 */
export * as AttemptLimits from "./AttemptLimits.js"

/**
 * One-stop layers providing `TokenService` and `IntegrationSso`, needing only an `HttpClient`.
 *
 * @since 0.1.0
 */
export * as VercelAuth from "./VercelAuth.js"
