/**
 * The mock server's fixed-window rate limit, one window per bearer, opened by its first request.
 */
import type { RateLimit } from "../MockVercelServer.js"

export interface Window {
  readonly limit: number
  readonly remaining: number
  /** On the server's unskewed clock. */
  readonly resetAt: number
  readonly exceeded: boolean
}

export const defaultRateLimit: RateLimit = { limit: 10_000, windowMs: 60_000 }

/** Counts one request of `key` at `now`; `undefined` when rate limiting is off. */
export const makeRateLimiter = (config: RateLimit | false) => {
  const windows = new Map<string, { resetAt: number; used: number }>()
  return (key: string, now: number): Window | undefined => {
    if (config === false) return undefined
    let window = windows.get(key)
    if (window === undefined || now >= window.resetAt) {
      window = { resetAt: now + config.windowMs, used: 0 }
      windows.set(key, window)
    }
    window.used++
    return {
      limit: config.limit,
      remaining: Math.max(0, config.limit - window.used),
      resetAt: window.resetAt,
      exceeded: window.used > config.limit
    }
  }
}
