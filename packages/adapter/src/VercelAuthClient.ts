/**
 * The Promise API: `createVercelAuth` makes a client whose `tokens.delete` returns a `Promise`, takes an
 * `AbortSignal` and rejects with core's error classes; `effect.tokens.delete` is the same operation as
 * an `Effect` with no requirements. Each client owns its transport and its resilience state.
 *
 * @since 0.1.0
 */
import type * as Resilience from "@vercel-auth/core/Resilience"
import type { DeletedToken } from "@vercel-auth/core/Schemas"
import type * as TokenService from "@vercel-auth/core/TokenService"
import { make } from "./internal/client.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The Vercel token. Defaults to the `VERCEL_TOKEN` environment variable; one of the two is required. */
  readonly token?: string | undefined
  /** Defaults to `VERCEL_API_URL` when set, else `https://api.vercel.com`. Plain http only for loopback hosts. */
  readonly baseUrl?: string | undefined
  /** Your application's product token, sent before this package's own in `User-Agent`. */
  readonly userAgent?: string | undefined
  /** Changes to the default policy (see `Resilience.defaults`); checked when the client is made. */
  readonly resilience?: Partial<Resilience.ResiliencePolicy> | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface DeleteOptions extends TokenService.DeleteOptions {
  /**
   * Aborting it stops the call at once, in flight or while it waits to retry, and sends nothing more;
   * the promise then rejects with an error named `AbortError`.
   */
  readonly signal?: AbortSignal | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface VercelAuthClient {
  readonly tokens: {
    /**
     * Revokes the token `tokenId` (`current` revokes the client's own token). Rejects with an
     * `InvalidTokenId`, `BadRequest`, `Unauthorized`, `Forbidden`, `TokenNotFound`, `RateLimited`,
     * `ServerError`, `NetworkError`, `Timeout` or `UnexpectedResponse` instance.
     */
    readonly delete: (tokenId: string, options?: DeleteOptions) => Promise<DeletedToken>
  }
  readonly effect: {
    /** The same operations as Effects with no requirements, sharing this client's state. */
    readonly tokens: TokenService.Service
  }
  /**
   * Ends the calls in flight, then releases the connections and timers. Idempotent; the client's
   * methods reject (or die, in the Effect API) with a "client disposed" error afterwards.
   */
  readonly dispose: () => Promise<void>
}

/**
 * Makes a client. Throws at once, sending nothing, when no token is given (neither the `token`
 * option nor `VERCEL_TOKEN`), when `baseUrl` is not an absolute https URL (http only for loopback),
 * or (a `RangeError`) when the `resilience` policy cannot work.
 *
 * @since 0.1.0
 * @category constructors
 */
export const createVercelAuth = (options: Options = {}): VercelAuthClient => make(options)
