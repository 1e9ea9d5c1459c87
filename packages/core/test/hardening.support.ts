/**
 * Helpers of the hardening tests: the core wired over `MockHttpClient` (public API only), exhaustive
 * "the token is nowhere" checks, and a raw node:http server that streams huge bodies and records how
 * much of them it managed to write before the client hung up.
 */
import { expect } from "@effect/vitest"
import { type Resilience, TokenService, VercelAuth } from "@vercel-auth/core"
import { MockHttpClient } from "@vercel-auth/testing"
import { Cause, Effect, Exit, Layer, type Redacted } from "effect"
import { createServer, type IncomingMessage, type OutgoingHttpHeaders, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import * as v8 from "node:v8"
import { runInNewContext } from "node:vm"
import { pick, renderingsOf } from "./support.js"

export const TOKEN = "vcp_HARDENING_secret_9f8e7d6c5b4a3210"
export const BASE_URL = "https://api.vercel.test"

/** A realistic "now" for the TestClock (whole seconds), so that epoch values in headers look real. */
export const T0 = Date.UTC(2026, 10, 29, 12, 0, 0)
export const httpDate = (epochMs: number) => new Date(epochMs).toUTCString()

/** The token id of a `DELETE /v3/user/tokens/{id}` URL. */
export const idOf = (url: URL): string => decodeURIComponent(url.pathname.split("/").pop() ?? "")

/** The whole core wiring over a `MockHttpClient` answering from `handler`. */
export const client = (
  handler: MockHttpClient.Handler,
  resilience?: Partial<Resilience.ResiliencePolicy>,
  options: {
    readonly token?: string | Redacted.Redacted<string>
    readonly baseUrl?: string
    readonly userAgent?: string
  } = {}
) => {
  const mock = MockHttpClient.make(handler)
  const layer = VercelAuth.layer({ token: TOKEN, baseUrl: BASE_URL, resilience, ...options }).pipe(
    Layer.provide(mock.layer)
  )
  const revoke = (tokenId: string, opts?: TokenService.DeleteOptions) =>
    Effect.flatMap(TokenService.TokenService, (service) => service.delete(tokenId, opts))
  return { requests: mock.requests, layer, revoke }
}

/** The typed failure of an exit, which must be one. */
export const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got the success ${JSON.stringify(exit.value)}`)
  const failure = Cause.failureOption(exit.cause)
  if (failure._tag === "None") throw new Error(`expected a typed failure, got ${Cause.pretty(exit.cause)}`)
  return failure.value
}

/** No rendering and no string field of `error` contains `secret` (default: the bearer token). */
export const expectNoSecret = (error: unknown, secret: string = TOKEN) => {
  const leaks = renderingsOf(error).filter((rendering) => rendering.includes(secret))
  expect(leaks, `the secret appears in ${leaks.length} renderings/fields of the error`).toEqual([])
}

/** The field `name` of `error`, when it is a string. */
export const stringField = (error: unknown, name: string): string | undefined => {
  const value = (error as Record<string, unknown>)[name]
  return typeof value === "string" ? value : undefined
}

// ---------------------------------------------------------------------------------------------------
// A raw server streaming huge bodies

export interface Streamed {
  /** Bytes handed to the socket (accepted by `res.write`). */
  written: number
  /** The whole body was written and `end()` completed. */
  finished: boolean
  /** The connection closed (by either side). */
  closed: boolean
}

export interface BodySpec {
  readonly status: number
  readonly headers?: OutgoingHttpHeaders
  /** The first bytes of the body. */
  readonly prefix: string
  /** The last bytes of the body. */
  readonly suffix: string
  /** The whole body size in bytes, prefix and suffix included; the middle is `fill` repeated. */
  readonly total: number
  readonly fill?: string
  /** Announce `content-length` (otherwise the body is chunked). */
  readonly contentLength?: boolean
}

export const MiB = 1024 * 1024

/**
 * A node:http server on 127.0.0.1 answering every request with `spec`, writing the body in 64 KiB
 * chunks while honouring backpressure, and recording per request what it managed to write.
 */
export const hugeBodyServer = (spec: BodySpec) =>
  Effect.acquireRelease(
    Effect.async<{ readonly url: string; readonly streams: Array<Streamed>; readonly close: () => void }>((resume) => {
      const streams: Array<Streamed> = []
      const server = createServer((req: IncomingMessage, res: ServerResponse) => {
        req.resume()
        const stat: Streamed = { written: 0, finished: false, closed: false }
        streams.push(stat)
        res.on("close", () => {
          stat.closed = true
        })
        const middle = spec.total - Buffer.byteLength(spec.prefix) - Buffer.byteLength(spec.suffix)
        res.writeHead(spec.status, {
          "content-type": "application/json; charset=utf-8",
          ...(spec.contentLength === true ? { "content-length": String(spec.total) } : {}),
          ...spec.headers
        })
        const chunk = Buffer.alloc(64 * 1024, spec.fill ?? "a")
        let left = middle
        const pump = (): void => {
          while (left > 0) {
            if (res.destroyed) return
            const n = Math.min(chunk.length, left)
            const more = res.write(n === chunk.length ? chunk : chunk.subarray(0, n))
            left -= n
            stat.written += n
            if (!more) {
              res.once("drain", pump)
              return
            }
          }
          if (res.destroyed) return
          res.end(spec.suffix, () => {
            stat.written += Buffer.byteLength(spec.suffix)
            stat.finished = true
          })
        }
        res.write(spec.prefix)
        stat.written += Buffer.byteLength(spec.prefix)
        pump()
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(Effect.succeed({
          url: `http://127.0.0.1:${port}`,
          streams,
          close: () => {
            server.closeAllConnections()
            server.close()
          }
        }))
      })
    }),
    (server) => Effect.sync(server.close)
  )

/** Polls (every 10 ms, real clock) until `condition` holds, for at most `timeoutMs`. */
export const eventually = (condition: () => boolean, timeoutMs = 5_000) =>
  Effect.promise(async () => {
    for (let waited = 0; waited <= timeoutMs; waited += 10) {
      if (condition()) return true
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    return condition()
  })

/**
 * A garbage collector, when one can be had: `global.gc` under `--expose-gc`, or one exposed at run
 * time through V8's flags. `undefined` when neither works.
 */
export const findGc = (): (() => void) | undefined => {
  const global = globalThis as { gc?: () => void }
  if (typeof global.gc === "function") return global.gc
  try {
    v8.setFlagsFromString("--expose-gc")
    const gc: unknown = runInNewContext("gc")
    return typeof gc === "function" ? gc as () => void : undefined
  } catch {
    return undefined
  }
}

export { pick, renderingsOf }
