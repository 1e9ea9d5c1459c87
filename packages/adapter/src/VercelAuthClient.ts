/**
 * The Promise API: `createVercelAuth` makes a client whose methods return `Promise`s (or, for `list`, an
 * `AsyncIterable`), take an `AbortSignal` and reject with core's error classes; `effect` holds the
 * same operations as Effects and Streams with no requirements. Each client owns its transport and its
 * resilience state.
 *
 * @since 0.1.0
 */
import type * as GateStore from "@vercel-auth/core/GateStore"
import type * as IntegrationSso from "@vercel-auth/core/IntegrationSso"
import type * as Resilience from "@vercel-auth/core/Resilience"
import type { AuthToken, CreatedToken, DeletedToken, DeleteResult, SsoTokens } from "@vercel-auth/core/Schemas"
import type * as TokenService from "@vercel-auth/core/TokenService"
import { make } from "./internal/client.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * The Vercel token. Defaults to the `VERCEL_TOKEN` environment variable. Without either, the client
   * can only do the SSO exchange; its token operations reject, sending nothing.
   */
  readonly token?: string | undefined
  /** Defaults to `VERCEL_API_URL` when set, else `https://api.vercel.com`. No path; plain http only for loopback hosts. */
  readonly baseUrl?: string | undefined
  /** Your application's product token, sent before this package's own in `User-Agent`. */
  readonly userAgent?: string | undefined
  /** Changes to the default policy (see `Resilience.defaults`); checked when the client is made. */
  readonly resilience?: Partial<Resilience.ResiliencePolicy> | undefined
  /** Where the rate-limit gate keeps its state (e.g. `RedisGate.make(…)` to share it between processes). */
  readonly gate?: GateStore.Make | undefined
}

/**
 * @since 0.2.0
 * @category models
 */
export interface CallOptions {
  /**
   * Aborting it stops the call at once, in flight or while it waits, and sends nothing more; the
   * promise then rejects with an error named `AbortError`.
   */
  readonly signal?: AbortSignal | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface DeleteOptions extends TokenService.DeleteOptions, CallOptions {}

/**
 * @since 0.2.0
 * @category models
 */
export interface ListOptions extends TokenService.ListOptions, CallOptions {}

/**
 * @since 0.2.0
 * @category models
 */
export interface DeleteManyOptions extends TokenService.DeleteOptions, CallOptions {
  /** Called with each result as it completes, in completion order. */
  readonly onResult?: ((result: DeleteResult) => void) | undefined
}

/**
 * The rejection of an aborted `deleteMany`: every result known when it was aborted, in input order, so
 * that no completed revocation goes unreported.
 *
 * @since 0.2.0
 * @category models
 */
export interface DeleteManyAbortError extends Error {
  readonly name: "AbortError"
  readonly results: ReadonlyArray<DeleteResult>
}

/**
 * @since 0.1.0
 * @category models
 */
export interface VercelAuthClient extends AsyncDisposable {
  readonly tokens: {
    /**
     * Revokes the token `tokenId` (`current` revokes the client's own token). Rejects with an
     * `InvalidTokenId`, `BadRequest`, `Unauthorized`, `Forbidden`, `TokenNotFound`, `RateLimited`,
     * `ServerError`, `NetworkError`, `Timeout` or `UnexpectedResponse` instance.
     */
    readonly delete: (tokenId: string, options?: DeleteOptions) => Promise<DeletedToken>
    /** Reads a token's metadata (`current`: the client's own token). */
    readonly get: (tokenId: string, options?: CallOptions) => Promise<AuthToken>
    /**
     * Every token of the account, newest first, fetched page by page as the loop asks for more.
     * Leaving a `for await` early stops paging; aborting cancels the request in flight.
     */
    readonly list: (options?: ListOptions) => AsyncIterable<AuthToken>
    /** Creates a token; its secret is `Redacted` (`Redacted.value(created.bearerToken)`). */
    readonly create: (input: TokenService.CreateTokenInput, options?: CallOptions) => Promise<CreatedToken>
    /**
     * Revokes every id at the rate Vercel allows; resolves to one result per id in input order and
     * never rejects for a failed item. Aborting rejects with a `DeleteManyAbortError`.
     */
    readonly deleteMany: (tokenIds: Iterable<string>, options?: DeleteManyOptions) => Promise<Array<DeleteResult>>
  }
  readonly sso: {
    /** Exchanges an integration's SSO code (or refresh token) for tokens; sends no bearer token. */
    readonly exchange: (grant: IntegrationSso.SsoGrant, options?: CallOptions) => Promise<SsoTokens>
  }
  readonly effect: {
    /** The same operations as Effects and Streams with no requirements, sharing this client's state. */
    readonly tokens: TokenService.Service
    readonly sso: IntegrationSso.Service
  }
  /**
   * Ends the calls in flight, then releases the connections and timers. Idempotent; the client's
   * methods reject with `ClientDisposed` (die with it, in the Effect API) afterwards.
   */
  readonly dispose: () => Promise<void>
}

/**
 * Makes a client. Throws at once, sending nothing, when an option (or `VERCEL_TOKEN` /
 * `VERCEL_API_URL`) cannot work: a token or User-Agent with characters a header cannot carry, a
 * `baseUrl` that is not an https origin (http only for loopback), a `resilience` policy that cannot work.
 *
 * @since 0.1.0
 * @category constructors
 */
export const createVercelAuth = (options: Options = {}): VercelAuthClient => make(options)
