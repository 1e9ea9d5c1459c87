/**
 * The numbers the README quotes and the verdict on each target, computed once for the report and
 * the console.
 */
import type { PerCallResult } from "./perCall.js"
import type { RateLimitResult, RateLimitRun } from "./rateLimit.js"
import { median } from "./stats.js"

export const targets = {
  /** Our Promise API per call, at most this many times the fetch loop's. */
  fetchRatio: 0.9,
  /** Share of the server's own rate the rate-limited run reaches, at least. */
  rateShare: 0.9
}

export interface Headline {
  readonly sequentialVsFetch: number
  readonly concurrentVsFetch: number
  readonly sequentialVsSdk: number
  readonly concurrentVsSdk: number
  readonly effectSequentialVsFetch: number
  readonly idealMs: number
  readonly oursShare: number
  readonly sdkShare: number
  readonly ours: RateLimitRun
  readonly sdk: RateLimitRun
  readonly maxTooMany: number
}

const medianOf = (runs: PerCallResult["sequential"], key: string): number =>
  median(runs.find((r) => r.key === key)?.runsUs ?? [])

/** The ideal: the calls at the server's sustained rate, `limit` per `windowMs`. */
export const idealMsOf = (result: RateLimitResult): number =>
  (result.settings.calls / result.settings.limit) * result.settings.windowMs

export const shareOf = (run: RateLimitRun, idealMs: number, calls: number): number =>
  run.succeeded < calls ? (idealMs / run.totalMs) * (run.succeeded / calls) : idealMs / run.totalMs

export const headline = (perCall: PerCallResult, rateLimit: RateLimitResult): Headline => {
  const seq = perCall.sequential
  const conc = perCall.concurrent
  const idealMs = idealMsOf(rateLimit)
  return {
    sequentialVsFetch: medianOf(seq, "promise") / medianOf(seq, "fetch"),
    concurrentVsFetch: medianOf(conc, "promise") / medianOf(conc, "fetch"),
    sequentialVsSdk: medianOf(seq, "promise") / medianOf(seq, "sdk"),
    concurrentVsSdk: medianOf(conc, "promise") / medianOf(conc, "sdk"),
    effectSequentialVsFetch: medianOf(seq, "effect") / medianOf(seq, "fetch"),
    idealMs,
    oursShare: shareOf(rateLimit.ours, idealMs, rateLimit.settings.calls),
    sdkShare: shareOf(rateLimit.sdk, idealMs, rateLimit.settings.calls),
    ours: rateLimit.ours,
    sdk: rateLimit.sdk,
    maxTooMany: rateLimit.settings.inFlight
  }
}

export const verdict = (met: boolean): string => (met ? "**met**" : "**missed**")

/** The lines for the README, in its own words. */
export const readmeLines = (h: Headline): ReadonlyArray<string> => [
  `- Per call on loopback, the Promise API takes ${h.sequentialVsFetch.toFixed(2)}× the time of a hand-written ` +
  `\`fetch\` loop sequentially and ${h.concurrentVsFetch.toFixed(2)}× at concurrency 50; ` +
  `${h.sequentialVsSdk.toFixed(2)}× / ${h.concurrentVsSdk.toFixed(2)}× the time of \`@vercel/sdk\`.`,
  `- 600 revocations under a limit of 100 per 2 s: ${(h.ours.totalMs / 1000).toFixed(1)} s ` +
  `(${(h.oursShare * 100).toFixed(0)} % of the server's rate) with ${h.ours.tooManyRequests} × 429; ` +
  `\`@vercel/sdk\` with its retries on: ${(h.sdk.totalMs / 1000).toFixed(1)} s with ${h.sdk.tooManyRequests} × 429.`
]
