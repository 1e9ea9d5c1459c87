/**
 * A real HTTP server on 127.0.0.1 that behaves like Vercel's authentication-token group: revoke
 * (`DELETE /v3/user/tokens/{tokenId}`), read (`GET /v5/user/tokens/{tokenId}`), list with pagination
 * (`GET /v6/user/tokens`), create (`POST /v3/user/tokens`) and the SSO token exchange
 * (`POST /v1/integrations/sso/token`). Bearer accounts own token records; `current`, Vercel error
 * bodies, `X-RateLimit-*` headers and 429s from a fixed window, and a script of faults (statuses,
 * `Retry-After`, delays, hung requests, connection resets before the response and after the server
 * acted, truncated and malformed bodies) apply to every route. For end-to-end tests through a real
 * transport.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import { listen } from "./internal/mockServer.js"

/**
 * What a token is allowed to act on: the user, or one team. Times are epoch milliseconds.
 *
 * @since 0.1.0
 * @category models
 */
export type TokenScope =
  | {
    readonly type: "user"
    readonly createdAt: number
    readonly expiresAt?: number | undefined
    readonly origin?: string | undefined
  }
  | {
    readonly type: "team"
    readonly teamId: string
    readonly createdAt: number
    readonly expiresAt?: number | undefined
    readonly origin?: string | undefined
  }

/**
 * A token as the server keeps it, and (without `revokedAt`) as it answers it in `AuthToken` bodies.
 * Times are epoch milliseconds.
 *
 * @since 0.1.0
 * @category models
 */
export interface TokenRecord {
  readonly id: string
  readonly name: string
  /** Vercel's token type, e.g. `"oauth2-token"`. */
  readonly type: string
  readonly origin?: string | undefined
  readonly createdAt: number
  /** When the token was last used; the server moves it to `now` on each request it authenticates. */
  readonly activeAt: number
  /** Past this time the token no longer authenticates (403 `invalidToken`); it is still listed. */
  readonly expiresAt?: number | undefined
  readonly leakedAt?: number | undefined
  readonly leakedUrl?: string | undefined
  readonly prefix?: string | undefined
  readonly suffix?: string | undefined
  readonly scopes: ReadonlyArray<TokenScope>
  /** Set once revoked: the record stays readable through `Server.token`, never through the API. */
  readonly revokedAt?: number | undefined
}

/**
 * A token to seed: its `id` and any fields of a record. The rest defaults to name = the id (`"self"`
 * for a bearer's own token), type `"oauth2-token"`, one user scope, and a `createdAt` (= `activeAt`)
 * one minute older than the token seeded before it, so that seeded tokens never share a timestamp and
 * list in the order they were seeded.
 *
 * @since 0.1.0
 * @category models
 */
export type TokenSeed =
  & { readonly id: string }
  & { readonly [K in Exclude<keyof TokenRecord, "id" | "revokedAt">]?: TokenRecord[K] | undefined }

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /**
   * The accounts: each bearer secret and the tokens its account owns (ids or seeds). Each bearer is
   * itself a token of its account (see `selfIds`); once that token is revoked or expired the bearer is
   * refused with a 403.
   */
  readonly tokens?: Readonly<Record<string, ReadonlyArray<string | TokenSeed>>> | undefined
  /**
   * Each bearer's own token, as an id or a seed; by default `tok_self_1`, `tok_self_2`… in the order
   * of `tokens`, named `"self"`.
   */
  readonly selfIds?: Readonly<Record<string, string | TokenSeed>> | undefined
  /** How `GET /v6/user/tokens` pages. */
  readonly pagination?: Pagination | undefined
  /** The clients and codes of `POST /v1/integrations/sso/token`; without it every exchange is refused. */
  readonly sso?: Sso | undefined
  /**
   * A fixed window per bearer (per client id for SSO exchanges), shared by every route; `false` sends
   * no `X-RateLimit-*` headers and never 429. Default 10 000 per minute.
   */
  readonly rateLimit?: RateLimit | false | undefined
  /** The server's clock, in epoch milliseconds. Defaults to `Date.now`. */
  readonly now?: (() => number) | undefined
  /** Added to every time the server reports (`Date`, `X-RateLimit-Reset`, the 429 body): a skewed server clock. */
  readonly clockSkewMs?: number | undefined
  /** Closes a keep-alive connection this long after its last response (otherwise Node closes it after about 6 s). */
  readonly keepAliveTimeoutMs?: number | undefined
}

/**
 * Paging of `GET /v6/user/tokens`: newest `createdAt` first, ties by id. `next` is the cursor to pass
 * back as `until`, `null` on the last page.
 *
 * - `cursor: "number"` (the default): the cursor is the `createdAt` of the page's last token, and the
 *   next page holds the strictly older ones. A page never splits tokens of equal `createdAt`, which
 *   such a cursor could not resume inside: it ends before them, or, when they fill the page from its
 *   start, it holds all of them even beyond `limit`.
 * - `cursor: "string"`: an opaque string naming the page's last token; pages are exactly `limit` long.
 *
 * @since 0.1.0
 * @category models
 */
export interface Pagination {
  /** The page size when the request has no `limit`. Default 20. */
  readonly pageSize?: number | undefined
  /** The largest `limit` accepted; a larger one is a 400. Default 100. */
  readonly maxPageSize?: number | undefined
  readonly cursor?: "number" | "string" | undefined
}

/**
 * The integration of `POST /v1/integrations/sso/token`. Each authorization code and each issued
 * refresh token can be exchanged once.
 *
 * @since 0.1.0
 * @category models
 */
export interface Sso {
  /** Client id to client secret. */
  readonly clients: Readonly<Record<string, string>>
  /** Authorization codes the server will accept, for any client; more with `Server.addSsoCodes`. */
  readonly codes?: ReadonlyArray<string> | undefined
  /** The `expires_in` of issued tokens, in seconds. Default 3600. */
  readonly expiresInSeconds?: number | undefined
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
 * The routes the server knows, to filter script entries and read recorded requests:
 * `delete` (`DELETE /v3/user/tokens/{tokenId}`), `get` (`GET /v5/user/tokens/{tokenId}`), `list`
 * (`GET /v6/user/tokens`), `create` (`POST /v3/user/tokens`), `sso` (`POST /v1/integrations/sso/token`).
 *
 * @since 0.1.0
 * @category models
 */
export type Route = "delete" | "get" | "list" | "create" | "sso"

/**
 * What the server does with one request, instead of (or on top of) its normal behaviour.
 *
 * - `status`: answer `status` (a Vercel error body unless `body` is given; a string body is sent raw),
 *   doing nothing else; `retryAfter` sets `Retry-After` (seconds, or a raw header value).
 * - `normal`: behave normally; with `delayMs` or `clockSkewMs` this is a slow or skewed answer.
 * - `hang`: never answer; `close()` still ends the connection.
 * - `reset`: destroy the connection without answering, either `"before"` doing anything or
 *   `"after-action"` (the server acts: the token is revoked or created, the code or refresh token
 *   consumed; and the response is lost). `"after-delete"` is the same, under its first name.
 * - `truncate`: behave normally but announce a longer body than is sent, then end the connection.
 * - `malformed`: behave normally but send `body` as it is (`status` defaults to the normal one): also
 *   the way to answer a list page with a cursor or tokens of the test's choosing.
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
  | { readonly kind: "reset"; readonly when: "before" | "after-action" | "after-delete" }
  | { readonly kind: "truncate" }
  | { readonly kind: "malformed"; readonly body: string; readonly status?: number | undefined }

/**
 * A script entry: an action, which requests it applies to, how often, and how late. The filters
 * combine: an entry applies only to requests matching all those it sets.
 *
 * @since 0.1.0
 * @category models
 */
export type ScriptEntry = Action & {
  /** Applies to this many matching requests (`Infinity` for all of them). Default 1. */
  readonly times?: number | undefined
  /** Applies only to this route; requests to unknown routes match only entries without one. */
  readonly route?: Route | undefined
  /**
   * Applies only to requests whose `/v3/user/tokens/{tokenId}` or `/v5/user/tokens/{tokenId}` path names
   * this id (decoded, so `"current"` for `current`).
   */
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
 * One request as the server saw it. No secret is ever recorded: not the bearer, not a created
 * token's secret, not an SSO client secret, code or token.
 *
 * @since 0.1.0
 * @category models
 */
export interface RecordedRequest {
  readonly method: string
  /** The request target as received, still percent-encoded, query included (a list's `limit` and `until`). */
  readonly path: string
  /** The route matched, `undefined` for an unknown method or path. */
  readonly route: Route | undefined
  /** The decoded id of a `/v3/user/tokens/{tokenId}` or `/v5/user/tokens/{tokenId}` path, whatever the method. */
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
  /** The id of the token this request created. */
  readonly created: string | undefined
  /** The `client_id` of an SSO exchange. */
  readonly clientId: string | undefined
  /** The `grant_type` of an SSO exchange. */
  readonly grantType: string | undefined
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
  /** The record of `tokenId`, revoked ones included (with `revokedAt`); `undefined` if never known. */
  readonly token: (tokenId: string) => TokenRecord | undefined
  /** The live tokens of `bearer`'s account as a list would show them, newest first; empty for an unknown bearer. */
  readonly tokensOf: (bearer: string) => ReadonlyArray<TokenRecord>
  /** The own token id of `bearer`, to compare with what `current` returned. */
  readonly selfId: (bearer: string) => string | undefined
  /**
   * Adds accounts or tokens later, in the shape of the `tokens` and `selfIds` options. A seed for a
   * known id updates the fields it gives, and a revoked id comes back to life.
   */
  readonly add: (
    tokens: Readonly<Record<string, ReadonlyArray<string | TokenSeed>>>,
    selfIds?: Readonly<Record<string, string | TokenSeed>>
  ) => void
  /** Makes these authorization codes exchangeable (once each). */
  readonly addSsoCodes: (...codes: ReadonlyArray<string>) => void
  /** Whether the authorization code `code` has been exchanged. */
  readonly ssoCodeUsed: (code: string) => boolean
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
 * Starts a server on 127.0.0.1 on a free port. Call `close()` when done. Rejects with a `TypeError`
 * for options that make no sense (a page size that is not a positive integer, or above the maximum).
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
