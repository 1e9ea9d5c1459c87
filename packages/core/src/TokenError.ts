/**
 * The typed failures of the token operations. Each class is a `Schema.TaggedError`: a tagged Effect
 * failure for `Effect.catchTag`, and a real `Error` subclass for `instanceof` in Promise code. Each
 * writes its own `message` from its fields, so every producer (the service, the test double, your
 * own code) makes the same error the same way. No field, message or cause ever holds the bearer token.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

/**
 * Which operation failed, for messages and for telling errors of a bulk run apart.
 *
 * @since 0.2.0
 * @category models
 */
export const Operation = Schema.Literal("delete", "get", "list", "create", "sso-exchange")

/**
 * @since 0.2.0
 * @category models
 */
export type Operation = typeof Operation.Type

const attempts = Schema.Number.annotations({ description: "HTTP attempts made; 0 when nothing was sent" })

/** Fields every error has: what was being done, to which token, and how many requests were sent. */
const callFields = {
  operation: Operation,
  tokenId: Schema.optional(Schema.String),
  /** The name of the token being created, for `create`. */
  tokenName: Schema.optional(Schema.String),
  attempts
}

/** Fields every error carries once the server has answered. */
const responseFields = {
  ...callFields,
  status: Schema.Number,
  /** Vercel's `error.code`. */
  code: Schema.optional(Schema.String),
  /** Vercel's `error.message`, shortened. */
  serverMessage: Schema.optional(Schema.String),
  /** The `x-vercel-id` response header, for Vercel support. */
  requestId: Schema.optional(Schema.String)
}

/** Ids of tokens that an ambiguous `create` may have made, found by listing afterwards. */
const possibleOrphans = Schema.optional(Schema.Array(Schema.String))

interface CallInfo {
  readonly operation: Operation
  readonly tokenId?: string | undefined
  readonly tokenName?: string | undefined
  readonly attempts: number
}

interface ResponseInfo extends CallInfo {
  readonly status?: number | undefined
  readonly code?: string | undefined
  readonly serverMessage?: string | undefined
  readonly requestId?: string | undefined
}

const quoted = (value: string): string => JSON.stringify(value.length > 80 ? `${value.slice(0, 80)}…` : value)

/** "Revoking token "tok_1"", "Listing tokens" …: the subject of every message. */
const doing = ({ operation, tokenId, tokenName }: CallInfo): string => {
  const token = tokenId === undefined
    ? "a token"
    : tokenId === "current"
    ? "the calling token (\"current\")"
    : `token ${quoted(tokenId)}`
  switch (operation) {
    case "delete":
      return `Revoking ${token}`
    case "get":
      return `Reading ${token}`
    case "list":
      return "Listing tokens"
    case "create":
      return tokenName === undefined ? "Creating a token" : `Creating token ${quoted(tokenName)}`
    case "sso-exchange":
      return "The SSO token exchange"
  }
}

const tries = (attempts: number): string => `${attempts} ${attempts === 1 ? "attempt" : "attempts"}`

const answered = (error: ResponseInfo): string => {
  const said = [error.code, error.serverMessage].filter((part) => part !== undefined && part !== "")
  return `${doing(error)} failed: Vercel answered ${error.status}${
    said.length === 0 ? "" : ` (${said.join(": ")})`
  } after ${tries(error.attempts)}.`
}

const reference = (error: { readonly requestId?: string | undefined }): string =>
  error.requestId === undefined ? "" : ` Vercel request id: ${error.requestId}.`

const orphans = (ids: ReadonlyArray<string> | undefined): string =>
  ids === undefined
    ? ""
    : ids.length === 0
    ? " No token with that name was found created since the call began."
    : ` Tokens with that name created since the call began, which this call may have made: ${ids.join(", ")}.`

/**
 * The token id was rejected before anything was sent: not a string, empty or blank, `.` or `..`,
 * longer than 256 characters, containing control characters, or (`malformed-unicode`) an unpaired
 * UTF-16 surrogate.
 *
 * @since 0.1.0
 * @category errors
 */
export class InvalidTokenId extends Schema.TaggedError<InvalidTokenId>("@vercel-auth/core/InvalidTokenId")(
  "InvalidTokenId",
  {
    operation: Operation,
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
) {
  /** @since 0.1.0 */
  get message(): string {
    return `${doing(this)} was refused: the token id is invalid because ${
      invalidTokenIdReasons[this.reason]
    }. Nothing was sent to Vercel.`
  }
}

const invalidTokenIdReasons: Record<InvalidTokenId["reason"], string> = {
  "not-a-string": "it is not a string",
  "empty": "it is empty or blank (an empty id would address the token collection, not a token)",
  "dot-segment": "\".\" and \"..\" are path segments that would address another resource",
  "too-long": "it is longer than 256 characters",
  "control-character": "it contains control characters",
  "malformed-unicode": "it contains an unpaired UTF-16 surrogate"
}

/**
 * An argument other than a token id was rejected before anything was sent: a `create` name that is
 * empty or too long, an `expiresAt` in the past, a bad page size, a malformed SSO grant. `field` names it.
 *
 * @since 0.2.0
 * @category errors
 */
export class InvalidInput extends Schema.TaggedError<InvalidInput>("@vercel-auth/core/InvalidInput")(
  "InvalidInput",
  {
    operation: Operation,
    tokenName: Schema.optional(Schema.String),
    attempts: Schema.Literal(0),
    /** The argument at fault, such as `name`, `expiresAt`, `pageSize` or `grant.code`. */
    field: Schema.String,
    /** What is wrong with it, in words. */
    problem: Schema.String
  }
) {
  /** @since 0.2.0 */
  get message(): string {
    return `${doing(this)} was refused: \`${this.field}\` ${this.problem}. Nothing was sent to Vercel.`
  }
}

/**
 * Vercel answered 400: one of the provided values is invalid.
 *
 * @since 0.1.0
 * @category errors
 */
export class BadRequest extends Schema.TaggedError<BadRequest>("@vercel-auth/core/BadRequest")(
  "BadRequest",
  responseFields
) {
  /** @since 0.1.0 */
  get message(): string {
    return `${answered(this)} Vercel refused a value of the request; check the arguments.${reference(this)}`
  }
}

/**
 * Vercel answered 401: the bearer token was not accepted.
 *
 * @since 0.1.0
 * @category errors
 */
export class Unauthorized extends Schema.TaggedError<Unauthorized>("@vercel-auth/core/Unauthorized")(
  "Unauthorized",
  responseFields
) {
  /** @since 0.1.0 */
  get message(): string {
    return `${answered(this)} ${
      this.operation === "sso-exchange"
        ? "The client id or secret was not accepted."
        : "The bearer token was not accepted: check VERCEL_TOKEN."
    }${reference(this)}`
  }
}

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
) {
  /** @since 0.1.0 */
  get message(): string {
    return `${answered(this)} ${
      this.invalidToken === true
        ? "The bearer token is invalid, expired or already revoked."
        : "The bearer token lacks the permission for this (wrong account or team, or a limited scope)."
    }${reference(this)}`
  }
}

/**
 * Vercel answered 404 or 410 with its error body: there is no token with that id (for this account).
 *
 * @since 0.1.0
 * @category errors
 */
export class TokenNotFound extends Schema.TaggedError<TokenNotFound>("@vercel-auth/core/TokenNotFound")(
  "TokenNotFound",
  { ...responseFields, tokenId: Schema.String }
) {
  /** @since 0.1.0 */
  get message(): string {
    return `${answered(this)} No such token for this account: it may already be revoked.${
      this.operation === "delete" ? " Pass `missingOk: true` to treat that as success." : ""
    }${reference(this)}`
  }
}

/**
 * Vercel answered 429 and the policy gave up, or the wait it asked for is longer than the policy
 * accepts, or (no `status`) this client's own gate would hold the call past what it may wait.
 * `retryAt` is when the limit resets, on the local clock.
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
) {
  /** @since 0.1.0 */
  get message(): string {
    const until = this.retryAt === undefined || Number.isNaN(this.retryAt.getTime())
      ? undefined
      : this.retryAt.toISOString()
    if (this.status === undefined) {
      return `${doing(this)} was not attempted${
        this.attempts === 0 ? "" : " further"
      }: this client is rate limited by Vercel until ${
        until ?? "much later"
      }, later than this call may wait. Nothing more was sent.`
    }
    return `${answered(this)} ${
      until === undefined
        ? "Rate limited; try again later."
        : `Rate limited until ${until}, later than this call may wait.`
    }${reference(this)}`
  }
}

/**
 * Vercel answered 5xx and the policy gave up (or the status, such as 501, is not worth retrying, or
 * the operation is not retried once it may have been acted on: `create`, the SSO exchange).
 *
 * @since 0.1.0
 * @category errors
 */
export class ServerError extends Schema.TaggedError<ServerError>("@vercel-auth/core/ServerError")(
  "ServerError",
  { ...responseFields, possibleOrphans }
) {
  /** @since 0.1.0 */
  get message(): string {
    return `${answered(this)} Vercel had a problem; try again shortly.${orphans(this.possibleOrphans)}${
      reference(this)
    }`
  }
}

/**
 * The transport failed (connection refused or reset, DNS) and the policy gave up. `ambiguous` says
 * whether the request may have reached the server, in which case it may have been acted on.
 *
 * @since 0.1.0
 * @category errors
 */
export class NetworkError extends Schema.TaggedError<NetworkError>("@vercel-auth/core/NetworkError")(
  "NetworkError",
  {
    ...callFields,
    ambiguous: Schema.Boolean,
    /** What the transport said, such as `connect ECONNREFUSED 127.0.0.1:443`. */
    detail: Schema.optional(Schema.String),
    cause: Schema.optional(Schema.Defect),
    possibleOrphans
  }
) {
  /** @since 0.1.0 */
  get message(): string {
    return `${doing(this)} failed: the connection to Vercel failed${
      this.detail === undefined ? "" : ` (${this.detail})`
    } after ${tries(this.attempts)}. ${
      this.ambiguous
        ? this.operation === "delete"
          ? "The request may have reached Vercel, so the token may already be revoked."
          : "The request may have reached Vercel and been acted on."
        : "The request did not reach Vercel."
    }${orphans(this.possibleOrphans)}`
  }
}

/**
 * An attempt (`phase: "attempt"`) or the whole call (`phase: "deadline"`) ran out of time. `ambiguous`
 * says whether a request that may have been acted on was sent.
 *
 * @since 0.1.0
 * @category errors
 */
export class Timeout extends Schema.TaggedError<Timeout>("@vercel-auth/core/Timeout")(
  "Timeout",
  {
    ...callFields,
    phase: Schema.Literal("attempt", "deadline"),
    ambiguous: Schema.optional(Schema.Boolean),
    possibleOrphans
  }
) {
  /** @since 0.1.0 */
  get message(): string {
    const acted = this.ambiguous === true
      ? this.operation === "delete" ? " The token may already be revoked." : " The request may have been acted on."
      : ""
    return this.phase === "attempt"
      ? `${doing(this)} timed out waiting for Vercel's answer (attempt ${this.attempts}).${acted}${
        orphans(this.possibleOrphans)
      }`
      : `${doing(this)} ran out of time (the policy's deadline) after ${tries(this.attempts)}.${acted}${
        orphans(this.possibleOrphans)
      }`
  }
}

/**
 * The server answered something this client does not expect: a 2xx whose body is not the documented
 * one (`reason: "body"`) or larger than any valid answer (`"too-large"`), another status with no
 * meaning of its own, such as a 3xx or a 404 without Vercel's error body (`"status"`), or a list
 * cursor that came back again (`"repeated-cursor"`). `body` is a short, token-free excerpt.
 *
 * @since 0.1.0
 * @category errors
 */
export class UnexpectedResponse extends Schema.TaggedError<UnexpectedResponse>(
  "@vercel-auth/core/UnexpectedResponse"
)(
  "UnexpectedResponse",
  {
    ...responseFields,
    reason: Schema.Literal("body", "too-large", "status", "repeated-cursor"),
    body: Schema.String,
    possibleOrphans
  }
) {
  /** @since 0.1.0 */
  get message(): string {
    return `${answered(this)} ${unexpectedAdvice(this)}${orphans(this.possibleOrphans)}${reference(this)}`
  }
}

const unexpectedAdvice = (error: UnexpectedResponse): string => {
  switch (error.reason) {
    case "body":
      return error.operation === "delete"
        ? "The body was not the documented { tokenId } (the token may or may not be revoked; check before retrying)."
        : "The body was not the documented answer."
    case "too-large":
      return "The body was larger than any valid answer, so it was not read."
    case "repeated-cursor":
      return "A page cursor came back that was already followed; listing stopped instead of looping."
    case "status":
      return error.status === 404
        ? "A 404 without Vercel's error body comes from a wrong route or a proxy, not from the token API: check baseUrl."
        : "This client does not expect that answer."
  }
}

/**
 * The failures the engine itself produces, once arguments were accepted.
 *
 * @since 0.2.0
 * @category errors
 */
export type AttemptError = Exclude<TokenGroupError, InvalidTokenId | InvalidInput>

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
 * Every way `TokenService.get` can fail.
 *
 * @since 0.2.0
 * @category errors
 */
export type GetTokenError = DeleteTokenError

/**
 * Every way `TokenService.list` can fail.
 *
 * @since 0.2.0
 * @category errors
 */
export type ListTokensError =
  | InvalidInput
  | BadRequest
  | Unauthorized
  | Forbidden
  | RateLimited
  | ServerError
  | NetworkError
  | Timeout
  | UnexpectedResponse

/**
 * Every way `TokenService.create` can fail.
 *
 * @since 0.2.0
 * @category errors
 */
export type CreateTokenError = ListTokensError

/**
 * Every way `IntegrationSso.exchange` can fail.
 *
 * @since 0.2.0
 * @category errors
 */
export type SsoExchangeError = ListTokensError

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

/**
 * The schema of every error of the token group, for decoding errors that crossed a process boundary.
 *
 * @since 0.2.0
 * @category schemas
 */
export const TokenGroupError: Schema.Union<[...typeof DeleteTokenError.members, typeof InvalidInput]> = Schema.Union(
  ...DeleteTokenError.members,
  InvalidInput
)

/**
 * @since 0.2.0
 * @category errors
 */
export type TokenGroupError = typeof TokenGroupError.Type
