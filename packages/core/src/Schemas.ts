/**
 * The data models of the token API: tokens, scopes, what each operation returns, and Vercel's error
 * body. Decoding is strict about the fields a model needs and open about the rest: Vercel adds fields
 * and enum values over time (`leakedAt`, `prefix` and new scope origins all arrived later), and none
 * of that may break a read.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { DeleteTokenError } from "./TokenError.js"

/**
 * Epoch milliseconds on the wire, a `Date` in the model. `null` from the server reads as absent.
 *
 * @since 0.2.0
 * @category schemas
 */
export const EpochMillis = Schema.DateFromNumber.pipe(Schema.validDate()).annotations({ identifier: "EpochMillis" })

const optionalDate = Schema.optionalWith(EpochMillis, { nullable: true, exact: true })
const optionalString = Schema.optionalWith(Schema.String, { nullable: true, exact: true })

/**
 * The result of `TokenService.delete`. `tokenId` is the id the API returned; `alreadyDeleted: true`
 * appears only when success was inferred (a lost response reconciled, or `missingOk` turning a 404
 * into success), and then `tokenId` is the id requested.
 *
 * @since 0.1.0
 * @category models
 */
export const DeletedToken = Schema.Struct({
  tokenId: Schema.NonEmptyString,
  alreadyDeleted: Schema.optional(Schema.Literal(true))
}).annotations({ identifier: "DeletedToken" })

/**
 * @since 0.1.0
 * @category models
 */
export interface DeletedToken extends Schema.Schema.Type<typeof DeletedToken> {}

/**
 * The 200 body of `DELETE /v3/user/tokens/{tokenId}`. Extra properties are ignored so that a field
 * Vercel adds later does not break a revocation.
 *
 * @since 0.1.0
 * @category schemas
 */
export const DeleteTokenResponse = Schema.Struct({
  tokenId: Schema.NonEmptyString
})

/**
 * A scope of a user-level grant.
 *
 * @since 0.2.0
 * @category models
 */
export const UserScope = Schema.Struct({
  type: Schema.Literal("user"),
  createdAt: EpochMillis,
  expiresAt: optionalDate,
  origin: optionalString
}).annotations({ identifier: "UserScope" })

/**
 * A scope granting access to one team.
 *
 * @since 0.2.0
 * @category models
 */
export const TeamScope = Schema.Struct({
  type: Schema.Literal("team"),
  teamId: Schema.String,
  createdAt: EpochMillis,
  expiresAt: optionalDate,
  origin: optionalString
}).annotations({ identifier: "TeamScope" })

/**
 * A scope of a kind this version does not know: kept with its `type` so that a new kind of scope
 * never fails a read. Its other fields are left out, as they have no model yet.
 *
 * @since 0.2.0
 * @category models
 */
export const OtherScope = Schema.Struct({
  type: Schema.String.pipe(Schema.filter((type) => type !== "user" && type !== "team"))
}).annotations({ identifier: "OtherScope" })

/**
 * @since 0.2.0
 * @category models
 */
export const TokenScope = Schema.Union(UserScope, TeamScope, OtherScope).annotations({ identifier: "TokenScope" })

/**
 * @since 0.2.0
 * @category models
 */
export type TokenScope = typeof TokenScope.Type

/**
 * An authentication token's metadata (never its secret). Times are `Date`s; `origin` and `type` are
 * open strings (`"github"`, `"email"`, `"oauth2-token"` … and whatever Vercel adds).
 *
 * @since 0.2.0
 * @category models
 */
export const AuthToken = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  type: Schema.String,
  createdAt: EpochMillis,
  activeAt: EpochMillis,
  expiresAt: optionalDate,
  leakedAt: optionalDate,
  leakedUrl: optionalString,
  origin: optionalString,
  prefix: optionalString,
  suffix: optionalString,
  scopes: Schema.optionalWith(Schema.Array(TokenScope), { nullable: true, exact: true })
}).annotations({ identifier: "AuthToken" })

/**
 * @since 0.2.0
 * @category models
 */
export interface AuthToken extends Schema.Schema.Type<typeof AuthToken> {}

/**
 * The 200 body of `GET /v5/user/tokens/{tokenId}`.
 *
 * @since 0.2.0
 * @category schemas
 */
export const GetTokenResponse = Schema.Struct({ token: AuthToken })

/**
 * A list cursor: Vercel sends a number (a timestamp) or a string, and wants it back unchanged.
 *
 * @since 0.2.0
 * @category schemas
 */
export const Cursor = Schema.Union(Schema.Number, Schema.String)

/**
 * The 200 body of `GET /v6/user/tokens`.
 *
 * @since 0.2.0
 * @category schemas
 */
export const ListTokensResponse = Schema.Struct({
  tokens: Schema.Array(AuthToken),
  pagination: Schema.Struct({
    count: Schema.optional(Schema.Number),
    next: Schema.NullOr(Cursor),
    prev: Schema.optional(Schema.NullOr(Cursor))
  })
})

/**
 * What `TokenService.create` returns. `bearerToken` is the new secret, shown once by Vercel: it is
 * `Redacted` everywhere, and never logged, traced or put in an error.
 *
 * @since 0.2.0
 * @category models
 */
export const CreatedToken = Schema.Struct({
  token: AuthToken,
  bearerToken: Schema.Redacted(Schema.NonEmptyString)
}).annotations({ identifier: "CreatedToken" })

/**
 * @since 0.2.0
 * @category models
 */
export interface CreatedToken extends Schema.Schema.Type<typeof CreatedToken> {}

const redactedFrom = (key: string) =>
  Schema.optionalWith(Schema.Redacted(Schema.String), { nullable: true, exact: true }).pipe(Schema.fromKey(key))

/**
 * What `IntegrationSso.exchange` returns, read from Vercel's snake_case body. Every token in it is
 * `Redacted`.
 *
 * @since 0.2.0
 * @category models
 */
export const SsoTokens = Schema.Struct({
  idToken: Schema.propertySignature(Schema.Redacted(Schema.String)).pipe(Schema.fromKey("id_token")),
  accessToken: redactedFrom("access_token"),
  tokenType: Schema.optionalWith(Schema.String, { nullable: true, exact: true }).pipe(Schema.fromKey("token_type")),
  expiresIn: Schema.optionalWith(Schema.Number, { nullable: true, exact: true }).pipe(Schema.fromKey("expires_in")),
  refreshToken: redactedFrom("refresh_token")
}).annotations({ identifier: "SsoTokens" })

/**
 * @since 0.2.0
 * @category models
 */
export interface SsoTokens extends Schema.Schema.Type<typeof SsoTokens> {}

/**
 * One id's outcome in `TokenService.deleteMany`.
 *
 * @since 0.2.0
 * @category models
 */
export const DeleteResult = Schema.Union(
  Schema.Struct({ tokenId: Schema.String, ok: Schema.Literal(true), token: DeletedToken }),
  Schema.Struct({ tokenId: Schema.String, ok: Schema.Literal(false), error: DeleteTokenError })
).annotations({ identifier: "DeleteResult" })

/**
 * @since 0.2.0
 * @category models
 */
export type DeleteResult = typeof DeleteResult.Type

/**
 * The `limit` object of a 429 body.
 *
 * @since 0.1.0
 * @category schemas
 */
export const RateLimitInfo = Schema.Struct({
  remaining: Schema.optional(Schema.Number),
  reset: Schema.optional(Schema.Number),
  resetMs: Schema.optional(Schema.Number),
  total: Schema.optional(Schema.Number)
})

/**
 * The error object inside a Vercel error body.
 *
 * @since 0.1.0
 * @category schemas
 */
export const VercelErrorDetail = Schema.Struct({
  code: Schema.optional(Schema.String),
  message: Schema.optional(Schema.String),
  invalidToken: Schema.optional(Schema.Boolean),
  limit: Schema.optional(RateLimitInfo)
})

/**
 * @since 0.1.0
 * @category models
 */
export type VercelErrorDetail = typeof VercelErrorDetail.Type

/**
 * A Vercel error body: `{ error: { code, message, … } }`; some responses say `err` instead of `error`.
 *
 * @since 0.1.0
 * @category schemas
 */
export const VercelErrorBody = Schema.Struct({
  error: Schema.optional(VercelErrorDetail),
  err: Schema.optional(VercelErrorDetail)
})

/**
 * @since 0.1.0
 * @category models
 */
export type VercelErrorBody = typeof VercelErrorBody.Type
