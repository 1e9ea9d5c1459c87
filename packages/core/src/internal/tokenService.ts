/**
 * `TokenService` on the engine: each operation checks its arguments, then runs its description.
 */
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import { Resilience } from "../Resilience.js"
import type * as Schemas from "../Schemas.js"
import * as TokenError from "../TokenError.js"
import type { CreateTokenInput, DeleteOptions, ListOptions, Service } from "../TokenService.js"
import { decodeTokenId } from "../TokenService.js"
import { VercelConfig } from "../VercelConfig.js"
import { VercelHttpClient } from "../VercelHttpClient.js"
import type { Engine } from "./engine/engine.js"
import { makeEngine } from "./engine/engine.js"
import { checkCreateInput, checkListOptions } from "./inputs.js"
import { createToken, deleteToken, getToken, type ListPage, listPage } from "./operations.js"

/** Pages of `list`, lazily: the next page is asked for only when the stream is pulled past this one. */
const pages = (
  engine: Engine,
  pageSize: number | undefined
): Stream.Stream<ListPage["tokens"][number], TokenError.ListTokensError> =>
  Stream.suspend(() => {
    const followed = new Set<string>()
    const seen = new Set<string>()
    type Step = { readonly cursor: string | number | undefined } | { readonly repeated: string | number }
    const repeated = (next: string | number) =>
      new TokenError.UnexpectedResponse({
        operation: "list",
        attempts: 1,
        status: 200,
        reason: "repeated-cursor",
        body: `pagination.next ${JSON.stringify(next)} was already followed`
      })
    return Stream.paginateChunkEffect<Step, ListPage["tokens"][number], TokenError.ListTokensError, never>(
      { cursor: undefined },
      (step) => {
        // The page before handed out its tokens; following its cursor again would loop.
        if ("repeated" in step) return Effect.fail(repeated(step.repeated))
        const { cursor } = step
        return Effect.map(engine.run<ListPage, TokenError.ListTokensError>(listPage(cursor, pageSize)), (page) => {
          // A page overlapping the ones before cannot be trusted to move forward: never hand out a token twice.
          const fresh = page.tokens.filter((token) => !seen.has(token.id))
          for (const token of fresh) seen.add(token.id)
          if (cursor !== undefined) followed.add(`${typeof cursor}:${cursor}`)
          const next = page.pagination.next
          const after: Option.Option<Step> = next === null
            ? Option.none()
            : Option.some(followed.has(`${typeof next}:${next}`) ? { repeated: next } : { cursor: next })
          return [Chunk.unsafeFromArray(fresh), after] as const
        })
      }
    )
  })

// A token created by this call can carry a createdAt a little before the call began, by the server's clock.
const clockSlackMs = 5_000
const maxOrphanPages = 5

/**
 * After a `create` that may have reached Vercel: the ids of tokens with the requested name created
 * since the call began. `undefined` when listing failed, so that "none found" is never claimed blindly.
 */
const findOrphans = (engine: Engine, name: string, since: number): Effect.Effect<ReadonlyArray<string> | undefined> =>
  pages(engine, 100).pipe(
    Stream.takeWhile((token) => token.createdAt.getTime() >= since - clockSlackMs),
    Stream.take(maxOrphanPages * 100),
    Stream.filter((token) => token.name === name),
    Stream.map((token) => token.id),
    Stream.runCollect,
    Effect.map(Chunk.toReadonlyArray),
    Effect.orElseSucceed(() => undefined)
  )

const withOrphans = (error: TokenError.CreateTokenError, orphans: ReadonlyArray<string> | undefined) => {
  const possibleOrphans = orphans === undefined ? {} : { possibleOrphans: orphans }
  switch (error._tag) {
    case "NetworkError":
      return new TokenError.NetworkError({ ...error, ...possibleOrphans })
    case "Timeout":
      return new TokenError.Timeout({ ...error, ...possibleOrphans })
    case "ServerError":
      return new TokenError.ServerError({ ...error, ...possibleOrphans })
    case "UnexpectedResponse":
      return new TokenError.UnexpectedResponse({ ...error, ...possibleOrphans })
    default:
      return error
  }
}

/** The failure may have left a token behind: the request may have reached Vercel and been acted on. */
const mayHaveCreated = (error: TokenError.CreateTokenError): boolean =>
  (error._tag === "NetworkError" && error.ambiguous) ||
  (error._tag === "Timeout" && error.ambiguous === true) ||
  error._tag === "ServerError" ||
  (error._tag === "UnexpectedResponse" && error.status >= 200 && error.status < 300)

export const make: Effect.Effect<Service, never, VercelHttpClient | Resilience | Scope.Scope> = Effect.gen(function*() {
  const config = yield* Effect.serviceOption(VercelConfig)
  // eslint-disable-next-line no-restricted-syntax -- kept only to scrub it out of every error
  const secrets = Option.isSome(config) ? [Redacted.value(config.value.token)] : []
  const engine = yield* makeEngine(yield* VercelHttpClient, yield* Resilience, secrets)

  const remove = (
    tokenId: string,
    options?: DeleteOptions
  ): Effect.Effect<Schemas.DeletedToken, TokenError.DeleteTokenError> =>
    Effect.suspend(() => {
      const id = decodeTokenId(tokenId, "delete")
      return Either.isLeft(id) ? Effect.fail(id.left) : engine.run(deleteToken(id.right, options?.missingOk === true))
    })

  const get = (tokenId: string): Effect.Effect<Schemas.AuthToken, TokenError.GetTokenError> =>
    Effect.suspend(() => {
      const id = decodeTokenId(tokenId, "get")
      return Either.isLeft(id) ? Effect.fail(id.left) : engine.run(getToken(id.right))
    })

  const list = (options?: ListOptions) =>
    Stream.suspend(() => {
      const pageSize = checkListOptions(options)
      return Either.isLeft(pageSize) ? Stream.fail(pageSize.left) : pages(engine, pageSize.right)
    })

  const create = (input: CreateTokenInput) =>
    Effect.flatMap(
      Clock.currentTimeMillis,
      (startedAt): Effect.Effect<Schemas.CreatedToken, TokenError.CreateTokenError> => {
        const checked = checkCreateInput(input, startedAt)
        if (Either.isLeft(checked)) return Effect.fail(checked.left)
        const { body, teamId } = checked.right
        return Effect.catchAll(
          engine.run<Schemas.CreatedToken, TokenError.CreateTokenError>(createToken(body, teamId)),
          (error) =>
            mayHaveCreated(error)
              ? Effect.flatMap(
                findOrphans(engine, body.name, startedAt),
                (orphans) => Effect.fail(withOrphans(error, orphans))
              )
              : Effect.fail(error)
        )
      }
    )

  const deleteMany = (tokenIds: Iterable<string>, options?: DeleteOptions) =>
    Stream.fromIterable(tokenIds).pipe(
      Stream.mapEffect(
        (tokenId): Effect.Effect<Schemas.DeleteResult> =>
          Effect.match(remove(tokenId, options), {
            onFailure: (error) => ({ tokenId: String(tokenId), ok: false, error }),
            onSuccess: (token) => ({ tokenId: String(tokenId), ok: true, token })
          }),
        // More callers than slots would only queue: the limit, the gate and the budget pace them anyway.
        { concurrency: engine.policy.maxConcurrent, unordered: true }
      )
    )

  return { delete: remove, get, list, create, deleteMany }
})
