/**
 * Turning outcomes into the public error classes. Every string an error takes from the answer is
 * short, a fresh copy, and scrubbed of the call's secrets: a server or proxy that echoes the bearer
 * token (in a body, a header, an error code or message) must not put it into the error.
 */
import * as TokenError from "../../TokenError.js"
import { toDate } from "../hints.js"
import { controlCharacter } from "../tokenId.js"
import type { TransportFailure } from "../transport.js"
import type { Answer } from "./attempt.js"

/** What is being done, for the error's fields and message. */
export interface CallContext {
  readonly operation: TokenError.Operation
  readonly tokenId?: string | undefined
  readonly tokenName?: string | undefined
}

export type Scrub = (text: string) => string

const redacted = "<redacted>"

/** Removes every occurrence of each secret, as sent and percent-encoded. */
export const makeScrub = (secrets: ReadonlyArray<string>): Scrub => {
  const needles = [...new Set(secrets.flatMap((secret) => [secret, encodeURIComponent(secret)]))]
    .filter((needle) => needle.length >= 4)
    .sort((a, b) => b.length - a.length)
  return (text) => {
    let out = text
    for (const needle of needles) if (out.includes(needle)) out = out.split(needle).join(redacted)
    return out
  }
}

const excerptLength = 200
const controlRuns = new RegExp(`${controlCharacter.source}+`, "g")
const encoder = new TextEncoder()
const decoder = new TextDecoder()

/**
 * A string fit for an error: short, single-line, scrubbed, and a copy, so that it keeps no larger
 * string alive (a slice of a string may share the memory of the whole).
 */
export const excerpt = (text: string, scrub: Scrub, length = excerptLength): string => {
  const head = scrub(text.length > length * 4 ? text.slice(0, length * 4) : text)
    .replace(controlRuns, " ")
    .replace(/Bearer(?:\s|&nbsp;|%20|\+)+\S+/gi, `Bearer ${redacted}`)
  const short = head.length > length ? `${head.slice(0, length)}…` : head
  return decoder.decode(encoder.encode(short))
}

const optional = (value: string | undefined, scrub: Scrub) =>
  value === undefined || value === "" ? undefined : excerpt(value, scrub, 120)

const responseFields = (context: CallContext, answer: Answer, attempts: number, scrub: Scrub) => {
  const code = optional(answer.detail?.code, scrub)
  const serverMessage = optional(answer.detail?.message, scrub)
  const requestId = optional(answer.headers["x-vercel-id"], scrub)
  return {
    ...context,
    attempts,
    status: answer.status,
    ...(code === undefined ? {} : { code }),
    ...(serverMessage === undefined ? {} : { serverMessage }),
    ...(requestId === undefined ? {} : { requestId })
  }
}

/**
 * Errors are built without validation (their fields come from this module) and without stack frames:
 * frames captured here would keep what the engine's closures hold (an answer, its body) alive for as
 * long as the error is kept, and they point into the runtime, not the caller's code. In a storm of
 * refusals both would cost more than the rest of a call.
 */
const detached = <E extends Error>(make: () => E): E => {
  const limit = Error.stackTraceLimit
  Error.stackTraceLimit = 0
  try {
    return make()
  } finally {
    Error.stackTraceLimit = limit
  }
}

const numberOf = (value: unknown): number | undefined => {
  const n = typeof value === "number" ? value : typeof value === "string" ? Number(value) : NaN
  return Number.isFinite(n) ? n : undefined
}

export const rateLimited = (
  context: CallContext,
  answer: Answer,
  attempts: number,
  retryAt: number | undefined,
  scrub: Scrub
): TokenError.RateLimited => {
  const at = retryAt === undefined ? undefined : toDate(retryAt)
  const limit = numberOf(answer.headers["x-ratelimit-limit"] ?? answer.detail?.limit?.total)
  const remaining = numberOf(answer.headers["x-ratelimit-remaining"] ?? answer.detail?.limit?.remaining)
  return detached(() =>
    new TokenError.RateLimited({
      ...responseFields(context, answer, attempts, scrub),
      ...(at === undefined ? {} : { retryAt: at }),
      ...(limit === undefined ? {} : { limit }),
      ...(remaining === undefined ? {} : { remaining })
    }, true)
  )
}

export const unexpected = (
  context: CallContext,
  answer: Answer,
  attempts: number,
  reason: TokenError.UnexpectedResponse["reason"],
  scrub: Scrub,
  /** A success body of `create` or the SSO exchange holds a new secret: it is never quoted. */
  withheld = false
): TokenError.UnexpectedResponse =>
  detached(() =>
    new TokenError.UnexpectedResponse({
      ...responseFields(context, answer, attempts, scrub),
      reason,
      body: withheld && answer.status >= 200 && answer.status < 300
        ? "(withheld: a success body of this operation carries a secret)"
        : answer.incomplete
        ? `(the body could not be read in full) ${excerpt(answer.text, scrub)}`
        : excerpt(answer.text, scrub)
    }, true)
  )

/** The error for an answer that is final (not retried, or retries gave up). */
export const fromAnswer = (
  context: CallContext,
  answer: Answer,
  attempts: number,
  retryAt: number | undefined,
  scrub: Scrub
): TokenError.AttemptError => {
  const status = answer.status
  const fields = () => responseFields(context, answer, attempts, scrub)
  switch (status) {
    case 400:
      return detached(() => new TokenError.BadRequest(fields(), true))
    case 401:
      return detached(() => new TokenError.Unauthorized(fields(), true))
    case 403:
      return detached(() =>
        new TokenError.Forbidden({
          ...fields(),
          ...(answer.detail?.invalidToken === true ? { invalidToken: true } : {})
        }, true)
      )
    case 404:
    case 410:
      // Only Vercel's own error body says "no such token"; a bare 404 is a wrong route or a proxy.
      return answer.detail !== undefined && context.tokenId !== undefined
        ? detached(() => new TokenError.TokenNotFound({ ...fields(), tokenId: context.tokenId! }, true))
        : unexpected(context, answer, attempts, "status", scrub)
    case 429:
      return rateLimited(context, answer, attempts, retryAt, scrub)
  }
  return status >= 500 && status < 600
    ? detached(() => new TokenError.ServerError(fields(), true))
    : unexpected(context, answer, attempts, "status", scrub)
}

export const network = (
  context: CallContext,
  attempts: number,
  failure: TransportFailure,
  scrub: Scrub
): TokenError.NetworkError => {
  const detail = excerpt(failure.cause.message, scrub, 160)
  const cause = detached(() => Object.assign(new Error(detail), { name: failure.cause.name, code: failure.code }))
  return detached(() =>
    new TokenError.NetworkError({ ...context, attempts, ambiguous: failure.ambiguous, detail, cause }, true)
  )
}

export const timeout = (
  context: CallContext,
  attempts: number,
  phase: "attempt" | "deadline",
  ambiguous: boolean
): TokenError.Timeout =>
  detached(() => new TokenError.Timeout({ ...context, attempts, phase, ...(attempts > 0 ? { ambiguous } : {}) }, true))

/** The gate would hold the call past its deadline or the longest server-directed wait. */
export const heldAtGate = (
  context: CallContext,
  attempts: number,
  until: number,
  limit: number | undefined,
  remaining: number | undefined
): TokenError.RateLimited => {
  const retryAt = toDate(until)
  return detached(() =>
    new TokenError.RateLimited({
      ...context,
      attempts,
      ...(retryAt === undefined ? {} : { retryAt }),
      ...(limit === undefined ? {} : { limit }),
      ...(remaining === undefined ? {} : { remaining })
    }, true)
  )
}
