/**
 * The typed failures of the token operations. Each class is a `Schema.TaggedError`: a tagged Effect
 * failure for `Effect.catchTag`, and a real `Error` subclass for `instanceof` in Promise code. No field,
 * message or cause ever holds the bearer token.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

const attempts = Schema.Number.annotations({ description: "HTTP attempts made; 0 when nothing was sent" })

/** Fields every error carries once the server has answered. */
const responseFields = {
  message: Schema.String,
  attempts,
  status: Schema.Number,
  code: Schema.optional(Schema.String),
  requestId: Schema.optional(Schema.String)
}

/**
 * The token id was rejected before anything was sent: not a string, empty, `.` or `..`, longer than
 * 256 characters, containing control characters, or (`malformed-unicode`) an unpaired UTF-16 surrogate.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidTokenId extends Schema.TaggedError<InvalidTokenId>("@vercel-auth/core/InvalidTokenId")(
  "InvalidTokenId",
  {
    message: Schema.String,
    attempts: Schema.Literal(0),
    reason: Schema.Literal(
      "not-a-string",
      "empty",
      "dot-segment",
      "too-long",
      "control-character",
      "malformed-unicode"
    )
  }
) {}

/**
 * Vercel answered 400: one of the provided values is invalid.
 *
 * @since 0.1.0
 * @category errors
 */
export class BadRequest extends Schema.TaggedError<BadRequest>("@vercel-auth/core/BadRequest")(
  "BadRequest",
  responseFields
) {}

/**
 * Vercel answered 401: the bearer token was not accepted.
 *
 * @since 0.1.0
 * @category errors
 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>("@vercel-auth/core/Unauthorized")(
  "Unauthorized",
  responseFields
) {}

/**
 * Vercel answered 403: the token lacks the scope for this operation, or (with `invalidToken: true`)
 * the bearer token itself is invalid, expired or revoked.
 *
 * @since 0.1.0
 * @category errors
 */
export class Forbidden extends Schema.TaggedError<Forbidden>("@vercel-auth/core/Forbidden")(
  "Forbidden",
  { ...responseFields, invalidToken: Schema.optional(Schema.Boolean) }
) {}

/**
 * Vercel answered 404 or 410: there is no token with that id (for this account).
 *
 * @since 0.1.0
 * @category errors
 */
export class TokenNotFound extends Schema.TaggedError<TokenNotFound>("@vercel-auth/core/TokenNotFound")(
  "TokenNotFound",
  { ...responseFields, tokenId: Schema.String }
) {}

/**
 * Vercel answered 429 and the policy gave up, or the wait it asked for is longer than the policy
 * accepts. `retryAt` is when the server says the limit resets, on the local clock.
 *
 * @since 0.1.0
 * @category errors
 */
export class RateLimited extends Schema.TaggedError<RateLimited>("@vercel-auth/core/RateLimited")(
  "RateLimited",
  {
    ...responseFields,
    status: Schema.optional(Schema.Number),
    retryAt: Schema.optional(Schema.DateFromSelf),
    limit: Schema.optional(Schema.Number),
    remaining: Schema.optional(Schema.Number)
  }
) {}

/**
 * Vercel answered 5xx and the policy gave up (or the status, such as 501, is not worth retrying).
 *
 * @since 0.1.0
 * @category errors
 */
export class ServerError extends Schema.TaggedError<ServerError>("@vercel-auth/core/ServerError")(
  "ServerError",
  responseFields
) {}

/**
 * The transport failed (connection refused or reset, DNS) and the policy gave up. `ambiguous` says
 * whether the request may have reached the server, in which case the token may already be deleted.
 *
 * @since 0.1.0
 * @category errors
 */
export class NetworkError extends Schema.TaggedError<NetworkError>("@vercel-auth/core/NetworkError")(
  "NetworkError",
  {
    message: Schema.String,
    attempts,
    ambiguous: Schema.Boolean,
    cause: Schema.optional(Schema.Defect)
  }
) {}

/**
 * An attempt (`phase: "attempt"`) or the whole call (`phase: "deadline"`) ran out of time.
 *
 * @since 0.1.0
 * @category errors
 */
export class Timeout extends Schema.TaggedError<Timeout>("@vercel-auth/core/Timeout")(
  "Timeout",
  {
    message: Schema.String,
    attempts,
    phase: Schema.Literal("attempt", "deadline")
  }
) {}

/**
 * The server answered something this client does not expect: a 2xx whose body is not
 * `{ tokenId: string }`, a 3xx, or a 4xx with no meaning of its own. `body` is a short excerpt.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnexpectedResponse extends Schema.TaggedError<UnexpectedResponse>(
  "@vercel-auth/core/UnexpectedResponse"
)(
  "UnexpectedResponse",
  { ...responseFields, body: Schema.String }
) {}

/**
 * Every way `TokenService.delete` can fail.
 *
 * @since 0.1.0
 * @category errors
 */
export type DeleteTokenError =
  | InvalidTokenId
  | BadRequest
  | Unauthorized
  | Forbidden
  | TokenNotFound
  | RateLimited
  | ServerError
  | NetworkError
  | Timeout
  | UnexpectedResponse

/**
 * The schema of every `DeleteTokenError`, for decoding errors that crossed a process boundary.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DeleteTokenError: Schema.Union<[
  typeof InvalidTokenId,
  typeof BadRequest,
  typeof Unauthorized,
  typeof Forbidden,
  typeof TokenNotFound,
  typeof RateLimited,
  typeof ServerError,
  typeof NetworkError,
  typeof Timeout,
  typeof UnexpectedResponse
]> = Schema.Union(
  InvalidTokenId,
  BadRequest,
  Unauthorized,
  Forbidden,
  TokenNotFound,
  RateLimited,
  ServerError,
  NetworkError,
  Timeout,
  UnexpectedResponse
)
