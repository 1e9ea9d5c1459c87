/**
 * `TokenServiceTest`'s service over the in-memory tokens. Each operation checks its arguments with
 * core's own decoders, then (unless a failure was injected) answers as Vercel would: the caller's own
 * token must still work, then the operation acts. Errors are built by their classes from the fields
 * the real service sets for the same answer (`src/internal/engine/errors.ts` in core), so they carry
 * the same `message`; the one field of the real service's that only exists there is the request id,
 * which here is `test1::<n>`, distinct per answer.
 */
import { type Schemas, TokenError, TokenService } from "@vercel-auth/core"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import type { Call, FailNext, Failures, Initial, Operation, Options, Store, TokenSeed } from "../TokenServiceTest.js"
import { makeTestStore, type Position } from "./testStore.js"

/** Vercel's page size when the request names none. */
const defaultPageSize = 20

const isOptions = (initial: Initial): initial is Options =>
  typeof initial === "object" && initial !== null && !(Symbol.iterator in initial)

/** What is being done, for the error's fields and message, as the real service's `CallContext`. */
interface CallContext {
  readonly operation: TokenError.Operation
  readonly tokenId?: string | undefined
  readonly tokenName?: string | undefined
}

export const make = (
  initial: Initial = {}
): Effect.Effect<{ readonly service: TokenService.Service; readonly store: Store }> =>
  Effect.flatMap(Clock.currentTimeMillis, (origin) =>
    Effect.sync(() => {
      const options: Options = isOptions(initial) ? initial : { tokens: initial }
      const state = makeTestStore(options.current ?? "tok_current", origin)
      state.seed(options.tokens ?? [])

      const calls: Array<Call> = []
      const failures: { [O in Operation]: Array<Failures[O]> } = { delete: [], get: [], list: [], create: [] }
      let answered = 0

      /** The fields of an error the real service reads off Vercel's answer to the request `requestId`. */
      const answer = (
        context: CallContext,
        requestId: string,
        status: number,
        code: string,
        serverMessage: string
      ) => ({
        ...context,
        attempts: 1,
        status,
        code,
        serverMessage,
        requestId
      })

      // What Vercel answers a bearer that is revoked or expired, whatever the request.
      const refused = (context: CallContext, requestId: string) =>
        new TokenError.Forbidden({
          ...answer(context, requestId, 403, "forbidden", "Not authorized"),
          invalidToken: true
        })

      const notFound = (context: CallContext & { readonly tokenId: string }, requestId: string) =>
        new TokenError.TokenNotFound({
          ...answer(context, requestId, 404, "not_found", "The token was not found"),
          tokenId: context.tokenId
        })

      /**
       * The answer to one request, in one synchronous step after the checks: the next failure injected
       * for the operation, or the caller refused, or what `act` does.
       */
      const reach = <A, E>(
        injected: Array<E>,
        context: CallContext,
        now: number,
        act: (requestId: string) => Either.Either<A, E>
      ): Either.Either<A, E | TokenError.Forbidden> => {
        const failure = injected.shift()
        if (failure !== undefined) return Either.left(failure)
        // Like Vercel's x-vercel-id: distinct per answered request, so code that reports it can be tested.
        const requestId = `test1::${++answered}`
        if (!state.authenticate(now)) return Either.left(refused(context, requestId))
        return act(requestId)
      }

      const remove = Effect.fn("TokenService.delete")(function*(
        tokenId: string,
        options: TokenService.DeleteOptions | undefined,
        via: "delete" | "deleteMany"
      ) {
        const missingOk = options?.missingOk === true
        const now = yield* Clock.currentTimeMillis
        const exit = yield* Effect.exit(
          Effect.suspend((): Either.Either<Schemas.DeletedToken, TokenError.DeleteTokenError> => {
            const id = TokenService.decodeTokenId(tokenId, "delete")
            if (Either.isLeft(id)) return Either.left(id.left)
            const context = { operation: "delete", tokenId: id.right } as const
            return reach(
              failures.delete,
              context,
              now,
              (requestId): Either.Either<Schemas.DeletedToken, TokenError.DeleteTokenError> => {
                const revoked = state.revoke(id.right, now)
                if (revoked !== undefined) return Either.right({ tokenId: revoked })
                return missingOk
                  ? Either.right({ tokenId: id.right, alreadyDeleted: true })
                  : Either.left(notFound(context, requestId))
              }
            )
          })
        )
        calls.push({ operation: "delete", via, tokenId, missingOk, exit })
        return yield* exit
      })

      const get = Effect.fn("TokenService.get")(function*(tokenId: string) {
        const now = yield* Clock.currentTimeMillis
        const exit = yield* Effect.exit(
          Effect.suspend((): Either.Either<Schemas.AuthToken, TokenError.GetTokenError> => {
            const id = TokenService.decodeTokenId(tokenId, "get")
            if (Either.isLeft(id)) return Either.left(id.left)
            const context = { operation: "get", tokenId: id.right } as const
            return reach(
              failures.get,
              context,
              now,
              (requestId): Either.Either<Schemas.AuthToken, TokenError.GetTokenError> => {
                const token = state.find(id.right)
                return token === undefined ? Either.left(notFound(context, requestId)) : Either.right(token)
              }
            )
          })
        )
        calls.push({ operation: "get", tokenId, exit })
        return yield* exit
      })

      const readPage = (pageSize: number | undefined, limit: number, page: number, after: Position | undefined) =>
        Effect.gen(function*() {
          const now = yield* Clock.currentTimeMillis
          const exit = yield* Effect.exit(
            Effect.suspend(() =>
              reach(failures.list, { operation: "list" }, now, () => Either.right(state.page(after, limit)))
            )
          )
          calls.push({ operation: "list", pageSize, page, exit: Exit.map(exit, (result) => result.tokens) })
          return yield* exit
        }).pipe(Effect.withSpan("TokenService.list"))

      const list = (options?: TokenService.ListOptions): Stream.Stream<Schemas.AuthToken, TokenError.ListTokensError> =>
        Stream.suspend(() => {
          const pageSize = options?.pageSize
          const checked = TokenService.decodeListOptions(options)
          if (Either.isLeft(checked)) {
            calls.push({ operation: "list", pageSize, page: 1, exit: Exit.fail(checked.left) })
            return Stream.fail(checked.left)
          }
          const limit = checked.right ?? defaultPageSize
          let pages = 0
          // Each page is read when the stream is pulled past the one before, as the real service asks for it.
          return Stream.paginateChunkEffect(undefined as Position | undefined, (after) =>
            Effect.map(
              readPage(pageSize, limit, ++pages, after),
              (result) => [Chunk.unsafeFromArray(result.tokens), Option.fromNullable(result.next)] as const
            ))
        })

      const create = Effect.fn("TokenService.create")(function*(input: TokenService.CreateTokenInput) {
        const now = yield* Clock.currentTimeMillis
        const exit = yield* Effect.exit(
          Effect.suspend((): Either.Either<Schemas.CreatedToken, TokenError.CreateTokenError> => {
            const checked = TokenService.decodeCreateInput(input, now)
            if (Either.isLeft(checked)) return Either.left(checked.left)
            const { body, teamId } = checked.right
            const context = { operation: "create", tokenName: body.name } as const
            return reach(
              failures.create,
              context,
              now,
              (): Either.Either<Schemas.CreatedToken, TokenError.CreateTokenError> => {
                const created = state.create(body, teamId, now)
                return Either.right({ token: created.token, bearerToken: Redacted.make(created.secret) })
              }
            )
          })
        )
        calls.push({ operation: "create", input, exit })
        return yield* exit
      })

      const deleteMany = (tokenIds: Iterable<string>, options?: TokenService.DeleteOptions) =>
        Stream.fromIterable(tokenIds).pipe(
          Stream.mapEffect((tokenId): Effect.Effect<Schemas.DeleteResult> =>
            Effect.match(remove(tokenId, options, "deleteMany"), {
              onFailure: (error) => ({ tokenId: String(tokenId), ok: false, error }),
              onSuccess: (token) => ({ tokenId: String(tokenId), ok: true, token })
            })
          )
        )

      const service: TokenService.Service = {
        delete: (tokenId, options) => remove(tokenId, options, "delete"),
        get,
        list,
        create,
        deleteMany
      }

      const failNext = ((...args: ReadonlyArray<unknown>) =>
        Effect.sync(() => {
          if (typeof args[0] === "string") {
            const [operation, ...errors] = args as [Operation, ...Array<never>]
            if (!Object.hasOwn(failures, operation)) {
              throw new TypeError(
                `TokenServiceTest: failNext takes "delete", "get", "list" or "create", got ${JSON.stringify(operation)}`
              )
            }
            failures[operation].push(...errors)
          } else {
            failures.delete.push(...(args as Array<TokenError.DeleteTokenError>))
          }
        })) as FailNext

      const store: Store = {
        tokens: Effect.sync(() => state.live().map((token) => token.id)),
        live: Effect.sync(() => state.live()),
        revoked: Effect.sync(() => state.revoked()),
        deleted: Effect.sync(() => state.deleted()),
        calls: Effect.sync(() => [...calls]),
        callsOf: (operation) => Effect.sync(() => calls.filter((call) => call.operation === operation) as never),
        add: (...tokens: ReadonlyArray<string | TokenSeed>) => Effect.sync(() => state.seed(tokens)),
        failNext
      }
      return { service, store }
    }))
