/**
 * A bare node:http client for talking to MockVercelServer: it reports resets and truncated bodies
 * as data instead of throwing, so each test can say exactly what the wire looked like.
 */
import type { MockVercelServer } from "@vercel-auth/testing"
import { Effect } from "effect"
import * as Http from "node:http"

export const SECRET = "vcp_SECRET_bearer_0123456789abcdef"
export const OTHER = "vcp_OTHER_bearer_fedcba9876543210"

export interface Result {
  /** Undefined when no response head arrived. */
  readonly status: number | undefined
  readonly headers: Http.IncomingHttpHeaders
  readonly body: string
  /** Set when the connection failed: before the head (no status) or while reading the body. */
  readonly error: string | undefined
}

export interface Init {
  readonly method?: string
  /** The bearer secret; `null` sends no Authorization header. */
  readonly token?: string | null
  readonly headers?: Record<string, string>
  readonly agent?: Http.Agent
  /** Gives up (destroying the request) after this long. */
  readonly timeoutMs?: number
}

export const request = (baseUrl: string, path: string, init: Init = {}): Promise<Result> =>
  new Promise((resolve) => {
    const token = init.token === undefined ? SECRET : init.token
    let status: number | undefined
    let headers: Http.IncomingHttpHeaders = {}
    let body = ""
    let settled = false
    const finish = (error: string | undefined) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve({ status, headers, body, error })
    }
    const req = Http.request(`${baseUrl}${path}`, {
      method: init.method ?? "DELETE",
      agent: init.agent ?? false,
      headers: { ...(token === null ? {} : { authorization: `Bearer ${token}` }), ...init.headers }
    })
    const timer = init.timeoutMs === undefined ? undefined : setTimeout(() => {
      req.destroy()
      finish("client-timeout")
    }, init.timeoutMs)
    req.on("response", (res) => {
      status = res.statusCode
      headers = res.headers
      res.setEncoding("utf8")
      res.on("data", (chunk: string) => body += chunk)
      res.on("end", () => finish(res.complete ? undefined : "incomplete"))
      res.on("error", (error: NodeJS.ErrnoException) => finish(error.code ?? error.message))
      res.on("aborted", () => finish("aborted"))
    })
    req.on("error", (error: NodeJS.ErrnoException) => finish(error.code ?? error.message))
    req.end()
  })

/** `DELETE /v3/user/tokens/{tokenId}` as an Effect. */
export const revoke = (server: MockVercelServer.Server, tokenId: string, init: Init = {}) =>
  Effect.promise(() => request(server.url, `/v3/user/tokens/${encodeURIComponent(tokenId)}`, init))

export const call = (server: MockVercelServer.Server, path: string, init: Init = {}) =>
  Effect.promise(() => request(server.url, path, init))

export const errorOf = (result: Result) => (JSON.parse(result.body) as { error: Record<string, unknown> }).error

/** Real time, for the few waits on the server's own timers (it is a peer, not driven by TestClock). */
export const wait = (ms: number) => Effect.promise(() => new Promise<void>((resolve) => setTimeout(resolve, ms)))

/** What a plain `fetch` saw: `status` undefined (and `error` set) when the connection failed. */
export interface Answer {
  readonly status: number | undefined
  readonly headers: Headers
  readonly text: string
  readonly error: string | undefined
}

export interface FetchInit {
  /** The bearer secret; `null` sends no Authorization header. */
  readonly token?: string | null
  /** Sent as a JSON body. */
  readonly json?: unknown
  /** Sent as it is, when `json` is not given. */
  readonly body?: string
  readonly headers?: Record<string, string>
}

/** One request with the platform `fetch`, as a client that knows nothing of the server would send it. */
export const send = (server: MockVercelServer.Server, method: string, path: string, init: FetchInit = {}) =>
  Effect.promise(async (): Promise<Answer> => {
    const token = init.token === undefined ? SECRET : init.token
    const headers: Record<string, string> = {
      ...(token === null ? {} : { authorization: `Bearer ${token}` }),
      ...(init.json === undefined ? {} : { "content-type": "application/json" }),
      ...init.headers
    }
    const body = init.json === undefined ? init.body : JSON.stringify(init.json)
    try {
      const response = await fetch(`${server.url}${path}`, { method, headers, ...(body === undefined ? {} : { body }) })
      return { status: response.status, headers: response.headers, text: await response.text(), error: undefined }
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause
      return { status: undefined, headers: new Headers(), text: "", error: cause?.code ?? String(error) }
    }
  })

export const jsonOf = (answer: Answer): any => JSON.parse(answer.text)

/** Vercel's error object of an answer, or `undefined` when the body is not Vercel's error shape. */
export const vercelErrorOf = (answer: Answer): Record<string, unknown> | undefined => {
  try {
    const error = JSON.parse(answer.text)?.error
    return typeof error === "object" && error !== null && typeof error.code === "string" ? error : undefined
  } catch {
    return undefined
  }
}
