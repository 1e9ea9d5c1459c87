/**
 * A real HTTP server on 127.0.0.1 that behaves like Vercel's `DELETE /v3/user/tokens/{tokenId}`:
 * bearer accounts owning tokens, `current`, Vercel error bodies, `X-RateLimit-*` headers and 429s from
 * a fixed window, and a script of faults (statuses, `Retry-After`, delays, hung requests, connection
 * resets before the response and after the deletion, truncated and malformed bodies). For end-to-end
 * tests through a real transport.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { listen } from "./internal/mockServer.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * The accounts: each bearer secret and the token ids it may revoke. Each bearer is itself a token
   * with an id (see `selfIds`); once that token is revoked the bearer is refused with a 403.
   */
  readonly tokens?: Readonly<Record<string, ReadonlyArray<string>>> | undefined
  /** The id of each bearer's own token; by default `tok_self_1`, `tok_self_2`… in the order of `tokens`. */
  readonly selfIds?: Readonly<Record<string, string>> | undefined
  /** A fixed window per bearer; `false` sends no `X-RateLimit-*` headers and never 429. Default 10 000 per minute. */
  readonly rateLimit?: RateLimit | false | undefined
  /** The server's clock, in epoch milliseconds. Defaults to `Date.now`. */
  readonly now?: (() => number) | undefined
  /** Added to every time the server reports (`Date`, `X-RateLimit-Reset`, the 429 body): a skewed server clock. */
  readonly clockSkewMs?: number | undefined
  /** Closes a keep-alive connection this long after its last response (otherwise Node closes it after about 6 s). */
  readonly keepAliveTimeoutMs?: number | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface RateLimit {
  /** Requests allowed per window. */
  readonly limit: number
  /** The window opens with a bearer's first request and lasts this long. */
  readonly windowMs: number
}

/**
 * What the server does with one request, instead of (or on top of) its normal behaviour.
 *
 * - `status`: answer `status` (a Vercel error body unless `body` is given; a string body is sent raw),
 *   revoking nothing; `retryAfter` sets `Retry-After` (seconds, or a raw header value).
 * - `normal`: behave normally; with `delayMs` or `clockSkewMs` this is a slow or skewed answer.
 * - `hang`: never answer; `close()` still ends the connection.
 * - `reset`: destroy the connection without answering, either `"before"` doing anything or
 *   `"after-delete"` (the token is revoked, and the response is lost).
 * - `truncate`: behave normally but announce a longer body than is sent, then end the connection.
 * - `malformed`: behave normally but send `body` as it is (`status` defaults to the normal one).
 *
 * @since 0.1.0
 * @category models
 */
export type Action =
  | {
    readonly kind: "status"
    readonly status: number
    readonly body?: unknown
    readonly headers?: Readonly<Record<string, string>> | undefined
    readonly retryAfter?: number | string | undefined
  }
  | { readonly kind: "normal" }
  | { readonly kind: "hang" }
  | { readonly kind: "reset"; readonly when: "before" | "after-delete" }
  | { readonly kind: "truncate" }
  | { readonly kind: "malformed"; readonly body: string; readonly status?: number | undefined }

/**
 * A script entry: an action, which requests it applies to, how often, and how late.
 *
 * @since 0.1.0
 * @category models
 */
export type ScriptEntry = Action & {
  /** Applies to this many matching requests (`Infinity` for all of them). Default 1. */
  readonly times?: number | undefined
  /** Applies only to requests for this token id (as in the path, so `"current"` for `current`). */
  readonly tokenId?: string | undefined
  /** Applies only to this request method. */
  readonly method?: string | undefined
  /** Waits this long before acting; a client that hangs up meanwhile gets nothing done. */
  readonly delayMs?: number | undefined
  /** Skews the times this one response reports, on top of the `clockSkewMs` option. */
  readonly clockSkewMs?: number | undefined
}

/**
 * A queue of entries consumed in order: each request takes the first entry that matches it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Script {
  readonly push: (...entries: ReadonlyArray<ScriptEntry>) => void
  readonly clear: () => void
  /** The entries not used up yet. */
  readonly pending: () => ReadonlyArray<ScriptEntry>
}

/**
 * One request as the server saw it. The bearer secret is never recorded.
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordedRequest {
  readonly method: string
  /** The request target as received, still percent-encoded, query included. */
  readonly path: string
  /** The decoded token id for `/v3/user/tokens/{tokenId}`, `undefined` for any other path. */
  readonly tokenId: string | undefined
  readonly hasAuth: boolean
  /** The own token id of the bearer, when the server knows the bearer. */
  readonly bearerId: string | undefined
  readonly userAgent: string | undefined
  /** When it arrived, on the server's clock (`now`). */
  readonly at: number
  /** The status sent; `undefined` while pending, and for hung and reset requests. */
  readonly status: number | undefined
  /** The `kind` of the script entry applied, if any. */
  readonly action: Action["kind"] | undefined
  /** The token id this request revoked (for `current`, the bearer's own id). */
  readonly deleted: string | undefined
  /** The client closed the connection before the server answered. */
  readonly aborted: boolean
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Server {
  /** `http://127.0.0.1:<port>`, to use as the base URL. */
  readonly url: string
  readonly requests: ReadonlyArray<RecordedRequest>
  readonly script: Script
  /** How many requests were answered with `status`, or how many arrived at all. */
  readonly count: (status?: number) => number
  /** The token ids revoked so far, in order. */
  readonly deleted: () => ReadonlyArray<string>
  /** Whether the token `tokenId` exists and is not revoked. */
  readonly isLive: (tokenId: string) => boolean
  /** The own token id of `bearer`, to compare with what `current` returned. */
  readonly selfId: (bearer: string) => string | undefined
  /** Adds accounts or tokens later, in the shape of the `tokens` option. */
  readonly add: (
    tokens: Readonly<Record<string, ReadonlyArray<string>>>,
    selfIds?: Readonly<Record<string, string>>
  ) => void
  /** Stops the server and destroys every connection, hung and idle ones included. Idempotent. */
  readonly close: () => Promise<void>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class MockVercelServer
  extends Context.Tag("@vercel-auth/testing/MockVercelServer")<MockVercelServer, Server>()
{}

/**
 * Starts a server on 127.0.0.1 on a free port. Call `close()` when done.
 *
 * @since 0.1.0
 * @category constructors
 */
export const start = (options: Options = {}): Promise<Server> => listen(options)

/**
 * A server for the enclosing `Scope`, closed when the scope closes.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (options: Options = {}): Effect.Effect<Server, never, Scope.Scope> =>
  Effect.acquireRelease(Effect.promise(() => start(options)), (server) => Effect.promise(() => server.close()))

/**
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<MockVercelServer> =>
  Layer.scoped(MockVercelServer, make(options))
