/**
 * What the mock server answers: Vercel-shaped bodies and the headers every response carries.
 */
import type { Window } from "./rateWindow.js"

export interface Reply {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

const codes: Record<number, string> = {
  400: "bad_request",
  401: "unauthorized",
  403: "forbidden",
  404: "not_found",
  408: "request_timeout",
  410: "gone",
  429: "rate_limited",
  500: "internal_server_error",
  502: "bad_gateway",
  503: "service_unavailable",
  504: "gateway_timeout"
}

export const vercelError = (
  status: number,
  message: string,
  extra: Readonly<Record<string, unknown>> = {},
  headers: Readonly<Record<string, string>> = {}
): Reply => ({
  status,
  headers,
  body: JSON.stringify({ error: { code: codes[status] ?? "error", message, ...extra } })
})

/**
 * The router's own 404 for a method or path it does not know: plain text, not Vercel's JSON, as a
 * client must not mistake a wrong route for "no such token".
 */
export const routerNotFound: Reply = {
  status: 404,
  headers: { "content-type": "text/plain; charset=utf-8" },
  body: "Not Found"
}

/** The default body of a scripted status: what Vercel would say, so only the status needs scripting. */
export const scriptedBody = (status: number, body: unknown): string => {
  if (typeof body === "string") return body
  if (body !== undefined) return JSON.stringify(body)
  if (status >= 200 && status < 300) return "{}"
  return vercelError(status, `Scripted ${status} from MockVercelServer`).body
}

/** Reset times in the server's (possibly skewed) epoch, as Vercel reports them. */
export const resetOf = (window: Window, skewMs: number) => ({
  resetMs: window.resetAt + skewMs,
  reset: Math.ceil((window.resetAt + skewMs) / 1000)
})

export const rateLimitHeaders = (window: Window | undefined, skewMs: number): Record<string, string> =>
  window === undefined ? {} : {
    "x-ratelimit-limit": String(window.limit),
    "x-ratelimit-remaining": String(window.remaining),
    "x-ratelimit-reset": String(resetOf(window, skewMs).reset)
  }

export const rateLimited = (window: Window, now: number, skewMs: number): Reply => {
  const { reset, resetMs } = resetOf(window, skewMs)
  return vercelError(
    429,
    "Rate limit exceeded",
    { limit: { remaining: 0, reset, resetMs, total: window.limit } },
    { "retry-after": String(Math.max(1, Math.ceil((window.resetAt - now) / 1000))) }
  )
}
