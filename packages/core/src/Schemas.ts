/**
 * The data models of the token API: what a deletion returns, and Vercel's error body.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"

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
