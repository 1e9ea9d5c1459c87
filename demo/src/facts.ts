/**
 * What the server saw during one command, in the words of the demo's fact lines: the requests, the
 * 429s, the rate-limit windows they fell in, and the tokens left live.
 */
import type { MockVercelServer } from "@vercel-auth/testing"
import { rateLimit } from "./rateLimit.js"

type Request = MockVercelServer.RecordedRequest

/** `GET current`, `list`, `DELETE tok_…`, `create`. */
export const label = (request: Request): string => {
  switch (request.route) {
    case "get":
      return `GET ${request.tokenId}`
    case "list":
      return "list"
    case "delete":
      return `DELETE ${request.tokenId}`
    case "create":
      return "create"
    default:
      return `${request.method} ${request.path}`
  }
}

/** What the request came to: its status, or what happened to the connection. */
export const fate = (request: Request): string => {
  if (request.status !== undefined) return String(request.status)
  if (request.action === "reset") return request.deleted === undefined ? "reset" : "reset after revoking"
  if (request.aborted) return "closed by the client"
  return "no answer"
}

/**
 * The fixed windows of the server's rate limit, per bearer, as it counts them: a window opens with a
 * bearer's first request after the previous one ended, and lasts `windowMs`. Returns each request's
 * window number (from 1, per bearer, within `requests`) and its place in that window (from 1).
 */
export const windows = (
  requests: ReadonlyArray<Request>
): ReadonlyArray<
  { readonly request: Request; readonly window: number; readonly used: number; readonly start: number }
> => {
  const open = new Map<string, { start: number; number: number; used: number }>()
  return requests.map((request) => {
    const bearer = request.bearerId ?? ""
    let window = open.get(bearer)
    if (window === undefined || request.at >= window.start + rateLimit.windowMs) {
      window = { start: request.at, number: (window?.number ?? 0) + 1, used: 0 }
      open.set(bearer, window)
    }
    window.used++
    return { request, window: window.number, used: window.used, start: window.start }
  })
}

/** 429s per window (index 0 is the first window), for the requests of one bearer. */
export const rateLimitedPerWindow = (requests: ReadonlyArray<Request>): ReadonlyArray<number> => {
  const counts: Array<number> = []
  for (const { request, window } of windows(requests)) {
    counts[window - 1] = (counts[window - 1] ?? 0) + (request.status === 429 ? 1 : 0)
  }
  return counts
}

export const count = (requests: ReadonlyArray<Request>, status: number): number =>
  requests.filter((request) => request.status === status).length

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`

/** `2 requests (GET current, list), no 429`. */
export const summary = (requests: ReadonlyArray<Request>): string => {
  const rateLimited = count(requests, 429)
  const what = requests.length <= 3 ? ` (${requests.map((r) => `${label(r)} ${fate(r)}`).join(", ")})` : ""
  return `${plural(requests.length, "request")}${what}, ${rateLimited === 0 ? "no 429" : `${rateLimited} × 429`}`
}

export { plural }
