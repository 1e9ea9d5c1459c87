/**
 * An in-memory `TokenService` for testing code that uses the token group: no HTTP, the same tag and
 * the same outcomes as the real service for every operation (`delete`, `get`, `list`, `create`,
 * `deleteMany`): the same id and input checks (core's own `decodeTokenId`, `decodeCreateInput`,
 * `decodeListOptions`), `current`, `missingOk`, Vercel's 404 and the 403 of a revoked or expired
 * bearer, each error built by its class from the fields the real service sets. A `TokenStore` seeds
 * tokens, injects failures per operation and tells what happened. Time is the `Clock`'s, so a test
 * on the `TestClock` decides when tokens are created and expire.
 *
 * @since 0.1.0
 */
import { type Schemas, type TokenError, TokenService } from "@vercel-auth/core"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as internal from "./internal/testStoreService.js"

/**
 * A time of a seed: a `Date` or epoch milliseconds.
 *
 * @since 0.2.0
 * @category models
 */
export type Instant = Date | number

/**
 * A scope of a seeded token. `createdAt` defaults to the token's. A `TokenScope` read from core fits.
 *
 * @since 0.2.0
 * @category models
 */
export interface ScopeSeed {
  /** `"user"`, `"team"` (then `teamId` is required), or a kind of Vercel's this version does not model. */
  readonly type: string
  readonly teamId?: string | undefined
  readonly createdAt?: Instant | undefined
  readonly expiresAt?: Instant | undefined
  readonly origin?: string | undefined
}

/**
 * A token to seed: its `id` and any fields of an `AuthToken` (an `AuthToken` read from core fits).
 * The rest defaults as `MockVercelServer` does: name = the id (`"self"` for the caller's own token),
 * type `"oauth2-token"`, one user scope, and a `createdAt` (= `activeAt`) one minute older than the
 * token seeded before it, counting back from the `Clock` when the layer is built; the caller's own
 * token is seeded first. So seeded tokens never share a timestamp and list in the order they were
 * seeded. Seeding an id again updates its fields and makes it live again.
 *
 * @since 0.2.0
 * @category models
 */
export interface TokenSeed {
  readonly id: string
  readonly name?: string | undefined
  readonly type?: string | undefined
  readonly createdAt?: Instant | undefined
  /** When the token was last used. The caller's own token is used by every call that reaches "Vercel". */
  readonly activeAt?: Instant | undefined
  /** Past this time the token no longer works; the caller's own token then gets `Forbidden` for every call. */
  readonly expiresAt?: Instant | undefined
  readonly leakedAt?: Instant | undefined
  readonly leakedUrl?: string | undefined
  readonly origin?: string | undefined
  readonly prefix?: string | undefined
  readonly suffix?: string | undefined
  readonly scopes?: ReadonlyArray<ScopeSeed> | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** The tokens of the caller's account, besides its own: ids or seeds. */
  readonly tokens?: Iterable<string | TokenSeed> | undefined
  /**
   * The caller's own token (what `current` addresses), as an id or a seed. Defaults to `"tok_current"`.
   * Once it is revoked (or expired), every call fails with `Forbidden` (`invalidToken: true`).
   */
  readonly current?: string | TokenSeed | undefined
}

/**
 * What `layer` and `make` are seeded with: `Options`, or just the tokens (ids or seeds).
 *
 * @since 0.2.0
 * @category models
 */
export type Initial = Options | Iterable<string | TokenSeed>

/**
 * The operations a `Call` records and `failNext` steers. `deleteMany` is made of `delete` calls.
 *
 * @since 0.2.0
 * @category models
 */
export type Operation = "delete" | "get" | "list" | "create"

/**
 * One call of `delete`, directly or (`via: "deleteMany"`) for one id of `deleteMany`.
 *
 * @since 0.1.0
 * @category models
 */
export interface DeleteCall {
  readonly operation: "delete"
  readonly via: "delete" | "deleteMany"
  /** As passed, valid or not. */
  readonly tokenId: string
  readonly missingOk: boolean
  readonly exit: Exit.Exit<Schemas.DeletedToken, TokenError.DeleteTokenError>
}

/**
 * One call of `get`.
 *
 * @since 0.2.0
 * @category models
 */
export interface GetCall {
  readonly operation: "get"
  readonly tokenId: string
  readonly exit: Exit.Exit<Schemas.AuthToken, TokenError.GetTokenError>
}

/**
 * One page request of a `list` stream (`page` 1 is the first); a refused `pageSize` is page 1 failing.
 *
 * @since 0.2.0
 * @category models
 */
export interface ListCall {
  readonly operation: "list"
  /** As passed (`undefined`: Vercel's default, 20). */
  readonly pageSize: number | undefined
  readonly page: number
  readonly exit: Exit.Exit<ReadonlyArray<Schemas.AuthToken>, TokenError.ListTokensError>
}

/**
 * One call of `create`.
 *
 * @since 0.2.0
 * @category models
 */
export interface CreateCall {
  readonly operation: "create"
  readonly input: TokenService.CreateTokenInput
  readonly exit: Exit.Exit<Schemas.CreatedToken, TokenError.CreateTokenError>
}

/**
 * One call, with what it returned.
 *
 * @since 0.1.0
 * @category models
 */
export type Call = DeleteCall | GetCall | ListCall | CreateCall

/**
 * The errors each operation may be made to fail with.
 *
 * @since 0.2.0
 * @category models
 */
export interface Failures {
  readonly delete: TokenError.DeleteTokenError
  readonly get: TokenError.GetTokenError
  readonly list: TokenError.ListTokensError
  readonly create: TokenError.CreateTokenError
}

/**
 * Makes the next calls of `operation` whose arguments pass the checks fail with these errors, one
 * per call (per page request, for `list`), without acting: for testing how your code handles
 * `RateLimited`, `NetworkError`, `Timeout` and the like. The ids of `deleteMany` take the ones of
 * `delete`. Without an operation (the form of 0.1), the errors are for `delete`.
 *
 * @since 0.2.0
 * @category models
 */
export interface FailNext {
  <O extends Operation>(operation: O, ...errors: ReadonlyArray<Failures[O]>): Effect.Effect<void>
  (...errors: ReadonlyArray<TokenError.DeleteTokenError>): Effect.Effect<void>
}

/**
 * A revoked token and when it was revoked (on the `Clock`).
 *
 * @since 0.2.0
 * @category models
 */
export interface RevokedToken {
  readonly token: Schemas.AuthToken
  readonly revokedAt: Date
}

/**
 * The state behind the in-memory service.
 *
 * @since 0.1.0
 * @category models
 */
export interface Store {
  /** The ids of the live tokens, the caller's own included, in list order (newest first). */
  readonly tokens: Effect.Effect<ReadonlyArray<string>>
  /** The live tokens as `get` and `list` show them, in list order (newest first). */
  readonly live: Effect.Effect<ReadonlyArray<Schemas.AuthToken>>
  /** The tokens revoked and not seeded again since, in the order they were revoked. */
  readonly revoked: Effect.Effect<ReadonlyArray<RevokedToken>>
  /** The ids revoked so far, in order; `current` shows as the caller's own id. */
  readonly deleted: Effect.Effect<ReadonlyArray<string>>
  /** Every call of every operation, including the ones that failed, in the order they ended. */
  readonly calls: Effect.Effect<ReadonlyArray<Call>>
  /** The calls of one operation. */
  readonly callsOf: <O extends Operation>(
    operation: O
  ) => Effect.Effect<ReadonlyArray<Extract<Call, { readonly operation: O }>>>
  /** Adds tokens to the caller's account (ids or seeds); an id seeded again is updated and live again. */
  readonly add: (...tokens: ReadonlyArray<string | TokenSeed>) => Effect.Effect<void>
  readonly failNext: FailNext
}

/**
 * @since 0.1.0
 * @category tags
 */
export class TokenStore extends Context.Tag("@vercel-auth/testing/TokenServiceTest/TokenStore")<TokenStore, Store>() {}

/**
 * Builds the service and its store, seeded from `initial`. A seed that no `AuthToken` could be read
 * from (a date that is not one, a team scope without `teamId`) is a defect, named in its message.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make: (
  initial?: Initial
) => Effect.Effect<{ readonly service: TokenService.Service; readonly store: Store }> = internal.make

/**
 * Provides `TokenService.TokenService` (in place of `VercelAuth.layer`) and the `TokenStore` behind
 * it. Each build of the layer starts from `initial` afresh.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (initial: Initial = {}): Layer.Layer<TokenService.TokenService | TokenStore> =>
  Layer.effectContext(
    Effect.map(
      make(initial),
      ({ service, store }) => Context.make(TokenService.TokenService, service).pipe(Context.add(TokenStore, store))
    )
  )
