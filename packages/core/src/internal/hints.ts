/**
 * Reading what the server says about when to come back. Every parser here is total: a value it
 * cannot read with certainty is ignored, never guessed into a shorter wait.
 */
import type * as Headers from "@effect/platform/Headers"
import type { WindowObservation } from "../GateStore.js"
import type { VercelErrorDetail } from "../Schemas.js"

/** Where a wait came from, for logs and span events. */
export type HintSource = "retry-after" | "x-ratelimit-reset" | "body-limit-reset"

export interface Hint {
  /** How long to wait from now, in milliseconds; never negative. */
  readonly waitMs: number
  readonly source: HintSource
  /** Measured in milliseconds by the server, not rounded to whole seconds. */
  readonly exact?: boolean | undefined
}

const deltaSeconds = /^\d+(?:\.\d+)?$/
// RFC 9110 §5.6.7: recipients accept IMF-fixdate and the two obsolete forms.
const imfFixdate = /^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/
const rfc850Date = /^[A-Z][a-z]+, \d{2}-[A-Z][a-z]{2}-\d{2} \d{2}:\d{2}:\d{2} GMT$/
const asctimeDate = /^[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2} \d{4}$/
// Beyond this a `Date` cannot represent the instant; such a hint is "too long" by any policy.
const maxEpochMs = 8.64e15
// Epoch seconds pass 1e11 only in the year 5138, and epoch milliseconds were above it by 1973.
const epochMillisThreshold = 1e11
// Below this a "reset" cannot be epoch seconds of any real response (it is before 2001): read it as
// the delta seconds some servers send instead.
const epochSecondsFloor = 1e9

/** An HTTP-date in epoch ms, or `undefined`. */
export const parseHttpDate = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (!imfFixdate.test(trimmed) && !rfc850Date.test(trimmed) && !asctimeDate.test(trimmed)) return undefined
  const ms = Date.parse(asctimeDate.test(trimmed) ? `${trimmed} GMT` : trimmed)
  return Number.isFinite(ms) ? ms : undefined
}

const parseNonNegative = (value: string | undefined): number | undefined => {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (!deltaSeconds.test(trimmed)) return undefined
  const n = Number(trimmed)
  return Number.isFinite(n) ? n : undefined
}

/** The clock used to turn absolute server instants into waits: the server's when it sent `Date`. */
export interface Clocks {
  readonly now: number
  readonly serverNow: number | undefined
}

/** The clocks of one response; `serverNow` comes from the response's `Date`, refined by `estimate`. */
export const clocks = (
  headers: Headers.Headers,
  now: number,
  estimate?: (date: string | undefined, now: number) => number | undefined
): Clocks => ({
  now,
  serverNow: estimate === undefined ? parseHttpDate(headers["date"]) : estimate(headers["date"], now)
})

/** Wait until an absolute server instant, measured on the server's clock when we have it. */
const waitUntil = (instantMs: number, { now, serverNow }: Clocks): number =>
  Math.max(0, Math.ceil(instantMs - (serverNow ?? now)))

/** `Retry-After`: delta seconds (integer or decimal) or an HTTP-date. */
export const retryAfter = (headers: Headers.Headers, c: Clocks): Hint | undefined => {
  const raw = headers["retry-after"]
  const seconds = parseNonNegative(raw)
  if (seconds !== undefined) return { waitMs: Math.ceil(seconds * 1000), source: "retry-after" }
  const date = parseHttpDate(raw)
  return date === undefined ? undefined : { waitMs: waitUntil(date, c), source: "retry-after" }
}

/** An epoch reset value (seconds, or milliseconds when clearly that large) as a wait. */
const resetWait = (reset: number, c: Clocks): number => {
  if (reset < epochSecondsFloor) return Math.ceil(reset * 1000)
  return waitUntil(reset >= epochMillisThreshold ? reset : reset * 1000, c)
}

export const rateLimitReset = (headers: Headers.Headers, c: Clocks): Hint | undefined => {
  const reset = parseNonNegative(headers["x-ratelimit-reset"])
  return reset === undefined ? undefined : { waitMs: resetWait(reset, c), source: "x-ratelimit-reset" }
}

export const bodyReset = (detail: VercelErrorDetail | undefined, c: Clocks): Hint | undefined => {
  const limit = detail?.limit
  const resetMs = limit?.resetMs
  if (typeof resetMs === "number" && Number.isFinite(resetMs) && resetMs >= 0) {
    return { waitMs: waitUntil(resetMs, c), source: "body-limit-reset", exact: true }
  }
  const reset = limit?.reset
  if (typeof reset === "number" && Number.isFinite(reset) && reset >= 0) {
    return { waitMs: resetWait(reset, c), source: "body-limit-reset" }
  }
  return undefined
}

const longest = (hints: ReadonlyArray<Hint | undefined>): Hint | undefined =>
  hints.reduce<Hint | undefined>(
    (best, hint) => hint !== undefined && (best === undefined || hint.waitMs > best.waitMs) ? hint : best,
    undefined
  )

/** Whether `Retry-After` is in whole seconds (an integer or an HTTP-date), so rounded. */
const retryAfterIsWhole = (headers: Headers.Headers): boolean => {
  const raw = headers["retry-after"]?.trim()
  return raw !== undefined && !raw.includes(".")
}

/**
 * The floor for retrying a 429: the longest of every source, so that no source is undercut. A body's
 * `resetMs` is exact, while `Retry-After` and `X-RateLimit-Reset` have whole seconds and so may be up
 * to a second late: when `resetMs` lies within that rounding of each of them, it is the floor they
 * all describe, and waiting out their rounding would only lose time.
 */
export const rateLimitedHint = (
  headers: Headers.Headers,
  detail: VercelErrorDetail | undefined,
  c: Clocks
): Hint | undefined => {
  // A reset with requests still remaining is about another window than the one that said no.
  const remaining = parseNonNegative(headers["x-ratelimit-remaining"])
  const reset = remaining === undefined || remaining === 0 ? rateLimitReset(headers, c) : undefined
  const after = retryAfter(headers, c)
  const body = bodyReset(detail, c)
  if (body !== undefined && body.exact) {
    const coarse = [retryAfterIsWhole(headers) ? after : undefined, reset]
    const precise = retryAfterIsWhole(headers) ? body : longest([after, body])
    if (coarse.every((hint) => hint === undefined || precise!.waitMs > hint.waitMs - 1000)) return precise
  }
  return longest([after, reset, body])
}

/** What the `X-RateLimit-*` headers say about the window, if they say enough to act on. */
export const observeRateLimit = (headers: Headers.Headers, c: Clocks): WindowObservation | undefined => {
  const remaining = parseNonNegative(headers["x-ratelimit-remaining"])
  const reset = parseNonNegative(headers["x-ratelimit-reset"])
  if (remaining === undefined || reset === undefined || !Number.isInteger(remaining)) return undefined
  const limit = parseNonNegative(headers["x-ratelimit-limit"])
  const resetAt = c.now + resetWait(reset, c)
  // Whole seconds are rounded: the true reset may be up to a second earlier. Milliseconds are exact.
  const earliestResetAt = Number.isInteger(reset) && reset < epochMillisThreshold
    ? Math.min(resetAt, c.now + resetWait(Math.max(0, reset - 1), c) + 1)
    : resetAt
  // A delta-seconds reset counts down within a window, so only an epoch value names the window.
  return { limit, remaining, resetAt, earliestResetAt, windowId: reset >= epochSecondsFloor ? reset : resetAt }
}

/** A local instant as a `Date`, when it can be one. */
export const toDate = (epochMs: number): Date | undefined =>
  Number.isFinite(epochMs) && epochMs <= maxEpochMs ? new Date(epochMs) : undefined
