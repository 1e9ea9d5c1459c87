/**
 * An in-memory `TokenService` for testing code that revokes tokens: no HTTP, no clock, the same tag
 * and the same outcomes as the real service (id validation, `current`, `missingOk`, 404s and the
 * revoked-bearer 403), plus a `TokenStore` to seed tokens, inject failures and read what happened.
 *
 * @since 0.1.0
 */
import { type Schemas, TokenError, TokenService } from "@vercel-auth/core"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"

/**
 * @since 0.1.0
 * @category models
 */
export interface Options {
  /** Token ids the caller may revoke. */
  readonly tokens?: Iterable<string> | undefined
  /** The id of the caller's own token, which `delete("current")` revokes. Defaults to `"tok_current"`. */
  readonly current?: string | undefined
}

/**
 * One call of `delete`, with what it returned.
 *
 * @since 0.1.0
 * @category models
 */
export interface Call {
  readonly tokenId: string
  readonly missingOk: boolean
  readonly exit: Exit.Exit<Schemas.DeletedToken, TokenError.DeleteTokenError>
}

/**
 * The state behind the in-memory service.
 *
 * @since 0.1.0
 * @category models
 */
export interface Store {
  /** The token ids not yet revoked, the caller's own included. */
  readonly tokens: Effect.Effect<ReadonlyArray<string>>
  /** The ids revoked so far, in order; `current` shows as the caller's own id. */
  readonly deleted: Effect.Effect<ReadonlyArray<string>>
  /** Every call of `delete`, including the ones that failed. */
  readonly calls: Effect.Effect<ReadonlyArray<Call>>
  /** Adds token ids the caller may revoke. */
  readonly add: (...tokenIds: ReadonlyArray<string>) => Effect.Effect<void>
  /**
   * Makes the next calls with a valid id fail with these errors, one per call, without revoking
   * anything: for testing how your code handles `RateLimited`, `NetworkError` and the like.
   */
  readonly failNext: (...errors: ReadonlyArray<TokenError.DeleteTokenError>) => Effect.Effect<void>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class TokenStore extends Context.Tag("@vercel-auth/testing/TokenServiceTest/TokenStore")<TokenStore, Store>() {}

const subject = (tokenId: string): string =>
  tokenId === "current" ? "the calling token (\"current\")" : `token "${tokenId}"`

const notFound = (tokenId: string, requestId: string) =>
  new TokenError.TokenNotFound({
    tokenId,
    attempts: 1,
    status: 404,
    code: "not_found",
    requestId,
    message: `Revoking ${
      subject(tokenId)
    } failed: Vercel answered 404 (not_found: The token was not found) after 1 attempt. No such token for this account: it may already be revoked. Pass \`missingOk: true\` to treat that as success. Vercel request id: ${requestId}.`
  })

const bearerRevoked = (tokenId: string, requestId: string) =>
  new TokenError.Forbidden({
    attempts: 1,
    status: 403,
    code: "forbidden",
    invalidToken: true,
    requestId,
    message: `Revoking ${
      subject(tokenId)
    } failed: Vercel answered 403 (forbidden: Not authorized) after 1 attempt. The bearer token is invalid, expired or already revoked. Vercel request id: ${requestId}.`
  })

/**
 * Builds the service and its store, seeded from `options`.
 *
 * @since 0.1.0
 * @category constructors
 */
export const make = (
  options: Options = {}
): Effect.Effect<{ readonly service: TokenService.Service; readonly store: Store }> =>
  Effect.sync(() => {
    const self = options.current ?? "tok_current"
    const live = new Set<string>([...(options.tokens ?? []), self])
    const deleted: Array<string> = []
    const calls: Array<Call> = []
    const failures: Array<TokenError.DeleteTokenError> = []
    let answered = 0

    // One synchronous step, so concurrent calls see each other's deletions as the real API would.
    const revoke = (
      tokenId: string,
      missingOk: boolean
    ): Effect.Effect<Schemas.DeletedToken, TokenError.DeleteTokenError> => {
      const invalid = TokenService.validateTokenId(tokenId)
      if (invalid !== undefined) return Effect.fail(invalid)
      const injected = failures.shift()
      if (injected !== undefined) return Effect.fail(injected)
      // Like Vercel's x-vercel-id: distinct per answered request, so code that reports it can be tested.
      const requestId = `test1::${++answered}`
      // Once the caller's own token is gone, every request it makes is refused, whatever the id.
      if (!live.has(self)) return Effect.fail(bearerRevoked(tokenId, requestId))
      const target = tokenId === "current" ? self : tokenId
      if (live.has(target)) {
        live.delete(target)
        deleted.push(target)
        return Effect.succeed({ tokenId: target })
      }
      return missingOk ? Effect.succeed({ tokenId, alreadyDeleted: true }) : Effect.fail(notFound(tokenId, requestId))
    }

    const service: TokenService.Service = {
      delete: Effect.fn("TokenService.delete")(function*(tokenId: string, deleteOptions?: TokenService.DeleteOptions) {
        const missingOk = deleteOptions?.missingOk === true
        const exit = yield* Effect.exit(Effect.suspend(() => revoke(tokenId, missingOk)))
        calls.push({ tokenId, missingOk, exit })
        return yield* exit
      })
    }

    const store: Store = {
      tokens: Effect.sync(() => [...live]),
      deleted: Effect.sync(() => [...deleted]),
      calls: Effect.sync(() => [...calls]),
      add: (...tokenIds) =>
        Effect.sync(() => {
          for (const tokenId of tokenIds) live.add(tokenId)
        }),
      failNext: (...errors) => Effect.sync(() => void failures.push(...errors))
    }
    return { service, store }
  })

/**
 * Provides `TokenService.TokenService` (in place of `VercelAuth.layer`) and the `TokenStore` behind
 * it. Each build of the layer starts from `options` afresh.
 *
 * @since 0.1.0
 * @category layers
 */
export const layer = (options: Options = {}): Layer.Layer<TokenService.TokenService | TokenStore> =>
  Layer.effectContext(
    Effect.map(
      make(options),
      ({ service, store }) => Context.make(TokenService.TokenService, service).pipe(Context.add(TokenStore, store))
    )
  )
