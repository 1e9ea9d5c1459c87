/**
 * The whole authentication-token group of the Vercel API: revoke (`delete`, `deleteMany`), read
 * (`get`), list (`list`) and create (`create`) tokens, each with typed errors, the resilience policy
 * of the `Resilience` layer, and (for revocation) lost responses reconciled.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import type * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import type * as Stream from "effect/Stream"
import { checkCreateInput, checkListOptions } from "./internal/inputs.js"
import { invalidReason } from "./internal/tokenId.js"
import { make as makeService } from "./internal/tokenService.js"
import type { Resilience } from "./Resilience.js"
import type { AuthToken, CreatedToken, DeletedToken, DeleteResult } from "./Schemas.js"
import {
  type CreateTokenError,
  type DeleteTokenError,
  type GetTokenError,
  type InvalidInput,
  InvalidTokenId,
  type ListTokensError,
  type Operation
} from "./TokenError.js"
import type { VercelHttpClient } from "./VercelHttpClient.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface DeleteOptions {
  /** Treat "no such token" (404/410 with Vercel's error body) as success, `{ tokenId, alreadyDeleted: true }`. */
  readonly missingOk?: boolean | undefined
}

/**
 * @since 0.2.0
 * @category models
 */
export interface ListOptions {
  /** Tokens per page request, 1 to 100. Vercel's default when absent. */
  readonly pageSize?: number | undefined
}

/**
 * @since 0.2.0
 * @category models
 */
export interface CreateTokenInput {
  /** Shown in Vercel's dashboard; 1 to 256 characters. */
  readonly name: string
  /** When the token stops working: a `Date` or epoch milliseconds, in the future. Never, when absent. */
  readonly expiresAt?: Date | number | undefined
  /** Limits the token to one project. */
  readonly projectId?: string | undefined
  /** Creates the token in a team's context (sent as the `teamId` query parameter). */
  readonly teamId?: string | undefined
}

/**
 * @since 0.1.0
 * @category models
 */
export interface Service {
  /**
   * Revokes the token `tokenId`; the special id `current` revokes the token making the call.
   */
  readonly delete: (tokenId: string, options?: DeleteOptions) => Effect.Effect<DeletedToken, DeleteTokenError>
  /**
   * Reads a token's metadata; `current` reads the token making the call.
   */
  readonly get: (tokenId: string) => Effect.Effect<AuthToken, GetTokenError>
  /**
   * Every token of the account, newest first, fetched lazily page by page. Each page request has the
   * whole resilience policy; stopping early sends no further request.
   */
  readonly list: (options?: ListOptions) => Stream.Stream<AuthToken, ListTokensError>
  /**
   * Creates a token. Not idempotent: retried only when the attempt certainly did not reach Vercel.
   * After an ambiguous attempt it fails with `possibleOrphans`, the ids of tokens with that name
   * created since the call began.
   */
  readonly create: (input: CreateTokenInput) => Effect.Effect<CreatedToken, CreateTokenError>
  /**
   * Revokes every id through the same gate, budget and concurrency limit as single calls, reporting
   * each id exactly once, in completion order. Never fails: a failed id is a result with `ok: false`.
   */
  readonly deleteMany: (tokenIds: Iterable<string>, options?: DeleteOptions) => Stream.Stream<DeleteResult>
}

/**
 * @since 0.1.0
 * @category tags
 */
export class TokenService extends Context.Tag("@vercel-auth/core/TokenService")<TokenService, Service>() {}

/**
 * A token id that can be sent: a non-blank string of at most 256 characters, not `.` or `..`, with no
 * control character or unpaired surrogate. It is always sent percent-encoded as one path segment. A
 * failed decode becomes an `InvalidTokenId` through `decodeTokenId`.
 *
 * @since 0.2.0
 * @category schemas
 */
export const TokenId: Schema.Schema<string> = Schema.declare(
  (u: unknown): u is string => typeof u === "string" && invalidReason(u) === undefined,
  {
    identifier: "TokenId",
    description: "a Vercel token id, or \"current\""
  }
)

const decodeTokenIdEither = Schema.decodeUnknownEither(TokenId)

/**
 * Decodes a token id with `TokenId`, failing with the `InvalidTokenId` that `operation` reports. The
 * service and the test double both check ids with it, so they reject exactly the same ids.
 *
 * @since 0.2.0
 * @category validation
 */
export const decodeTokenId = (tokenId: unknown, operation: Operation): Either.Either<string, InvalidTokenId> =>
  Either.mapLeft(
    decodeTokenIdEither(tokenId),
    () => new InvalidTokenId({ operation, attempts: 0, reason: invalidReason(tokenId) ?? "not-a-string" })
  )

/**
 * The checks `create` makes before sending: the request body and `teamId` it would send, or the
 * `InvalidInput` naming the field at fault. `now` (epoch ms) decides whether `expiresAt` is past.
 * The test double checks with it too, so that both refuse exactly the same input.
 *
 * @since 0.2.0
 * @category validation
 */
export const decodeCreateInput: (
  input: CreateTokenInput,
  now: number
) => Either.Either<
  {
    readonly body: {
      readonly name: string
      readonly expiresAt?: number | undefined
      readonly projectId?: string | undefined
    }
    readonly teamId: string | undefined
  },
  InvalidInput
> = checkCreateInput

/**
 * The checks `list` makes before sending: the page size to ask for (`undefined`: Vercel's default),
 * or the `InvalidInput` naming `pageSize`.
 *
 * @since 0.2.0
 * @category validation
 */
export const decodeListOptions: (options: ListOptions | undefined) => Either.Either<number | undefined, InvalidInput> =
  checkListOptions

/**
 * @since 0.1.0
 * @category constructors
 */
export const make: Effect.Effect<Service, never, VercelHttpClient | Resilience | Scope.Scope> = makeService

/**
 * @since 0.1.0
 * @category layers
 */
export const layer: Layer.Layer<TokenService, never, VercelHttpClient | Resilience> = Layer.scoped(
  TokenService,
  make
)
