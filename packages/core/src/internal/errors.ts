/**
 * Turning answers into the public error classes, with messages written for whoever reads the log.
 */
import * as TokenError from "../TokenError.js"
import type { Answer } from "./attempt.js"
import { excerpt } from "./attempt.js"
import type { RateLimitObservation } from "./hints.js"
import { toDate } from "./hints.js"

export const subject = (tokenId: string): string =>
  tokenId === "current" ? "the calling token (\"current\")" : `token "${tokenId}"`

const serverSays = (answer: Answer): string => {
  const code = answer.detail?.code
  const message = answer.detail?.message
  const said = [code, message === undefined ? undefined : excerpt(message)].filter((part) => part !== undefined)
  return said.length === 0 ? "" : ` (${said.join(": ")})`
}

const reference = (answer: Answer): string =>
  answer.requestId === undefined ? "" : ` Vercel request id: ${answer.requestId}.`

const fields = (answer: Answer, attempts: number) => ({
  attempts,
  status: answer.status,
  ...(answer.detail?.code === undefined ? {} : { code: answer.detail.code }),
  ...(answer.requestId === undefined ? {} : { requestId: answer.requestId })
})

const describe = (tokenId: string, answer: Answer, attempts: number, advice: string): string =>
  `Revoking ${subject(tokenId)} failed: Vercel answered ${answer.status}${serverSays(answer)} after ${attempts} ${
    attempts === 1 ? "attempt" : "attempts"
  }. ${advice}${reference(answer)}`

/** The error for an answer that is final (not retried, or retries gave up). */
export const fromAnswer = (
  tokenId: string,
  answer: Answer,
  attempts: number,
  retryAt: number | undefined
): TokenError.DeleteTokenError => {
  const base = fields(answer, attempts)
  const status = answer.status
  if (status === 400) {
    return new TokenError.BadRequest({
      ...base,
      message: describe(tokenId, answer, attempts, "Check the token id; the request itself was refused.")
    })
  }
  if (status === 401) {
    return new TokenError.Unauthorized({
      ...base,
      message: describe(tokenId, answer, attempts, "The bearer token was not accepted: check VERCEL_TOKEN.")
    })
  }
  if (status === 403) {
    const invalidToken = answer.detail?.invalidToken === true
    return new TokenError.Forbidden({
      ...base,
      ...(invalidToken ? { invalidToken } : {}),
      message: describe(
        tokenId,
        answer,
        attempts,
        invalidToken
          ? "The bearer token is invalid, expired or already revoked."
          : "The bearer token lacks the permission to revoke this token (wrong account or team, or a limited scope)."
      )
    })
  }
  if (status === 404 || status === 410) {
    return new TokenError.TokenNotFound({
      ...base,
      tokenId,
      message: describe(
        tokenId,
        answer,
        attempts,
        "No such token for this account: it may already be revoked. Pass `missingOk: true` to treat that as success."
      )
    })
  }
  if (status === 429) {
    const at = retryAt === undefined ? undefined : toDate(retryAt)
    return rateLimited(tokenId, base, answer, attempts, at)
  }
  if (status >= 500 && status < 600) {
    return new TokenError.ServerError({
      ...base,
      message: describe(tokenId, answer, attempts, "Vercel had a problem; try again shortly.")
    })
  }
  return unexpected(tokenId, answer, attempts)
}

const rateLimited = (
  tokenId: string,
  base: ReturnType<typeof fields>,
  answer: Answer,
  attempts: number,
  retryAt: Date | undefined
): TokenError.RateLimited => {
  const limit = Number(answer.headers["x-ratelimit-limit"] ?? answer.detail?.limit?.total)
  const remaining = Number(answer.headers["x-ratelimit-remaining"] ?? answer.detail?.limit?.remaining)
  return new TokenError.RateLimited({
    ...base,
    ...(retryAt === undefined ? {} : { retryAt }),
    ...(Number.isFinite(limit) ? { limit } : {}),
    ...(Number.isFinite(remaining) ? { remaining } : {}),
    message: describe(
      tokenId,
      answer,
      attempts,
      retryAt === undefined
        ? "Rate limited; try again later."
        : `Rate limited until ${retryAt.toISOString()}, later than this call may wait.`
    )
  })
}

/** The gate would hold the call past its deadline or the longest server-directed wait. */
export const heldAtGate = (
  tokenId: string,
  until: number,
  window: RateLimitObservation | undefined,
  attempts: number
): TokenError.RateLimited => {
  const retryAt = toDate(until)
  return new TokenError.RateLimited({
    attempts,
    ...(retryAt === undefined ? {} : { retryAt }),
    ...(window?.limit === undefined ? {} : { limit: window.limit }),
    ...(window === undefined ? {} : { remaining: window.remaining }),
    message: `Revoking ${subject(tokenId)} was not attempted further: this client is rate limited by Vercel until ${
      retryAt?.toISOString() ?? "much later"
    }, later than this call may wait.`
  })
}

export const unexpected = (tokenId: string, answer: Answer, attempts: number): TokenError.UnexpectedResponse =>
  new TokenError.UnexpectedResponse({
    ...fields(answer, attempts),
    body: answer.excerpt,
    message: describe(
      tokenId,
      answer,
      attempts,
      answer.status >= 200 && answer.status < 300
        ? "The body was not the documented { tokenId } (the token may or may not be revoked; check before retrying)."
        : "This client does not expect that answer."
    )
  })

export const network = (
  tokenId: string,
  attempts: number,
  ambiguous: boolean,
  cause: Error
): TokenError.NetworkError =>
  new TokenError.NetworkError({
    attempts,
    ambiguous,
    cause,
    message: `Revoking ${
      subject(tokenId)
    } failed: the connection to Vercel failed (${cause.message}) after ${attempts} ${
      attempts === 1 ? "attempt" : "attempts"
    }. ${
      ambiguous
        ? "The request may have reached Vercel, so the token may already be revoked."
        : "The request did not reach Vercel."
    }`
  })

export const timeout = (tokenId: string, attempts: number, phase: "attempt" | "deadline"): TokenError.Timeout =>
  new TokenError.Timeout({
    attempts,
    phase,
    message: phase === "attempt"
      ? `Revoking ${
        subject(tokenId)
      } timed out while reading Vercel's answer (attempt ${attempts}); the token may already be revoked.`
      : `Revoking ${subject(tokenId)} ran out of time (the policy's deadline) after ${attempts} ${
        attempts === 1 ? "attempt" : "attempts"
      }.`
  })
