/**
 * @since 0.1.0
 */

/**
 * A mock `HttpClient` layer that answers every request from a handler function.
 *
 * @since 0.1.0
 */
export * as MockHttpClient from "./MockHttpClient.js"

/**
 * An in-memory `TokenService` with the real one's outcomes, and the `TokenStore` behind it.
 *
 * @since 0.1.0
 */
export * as TokenServiceTest from "./TokenServiceTest.js"

/**
 * A scriptable loopback server that behaves like the Vercel token API, for end-to-end tests.
 *
 * @since 0.1.0
 */
export * as MockVercelServer from "./MockVercelServer.js"
