/**
 * Helpers of the adapter's hardening tests: a raw node:http server on 127.0.0.1 that records what it
 * received and counts the connections open at once, a seeded PRNG, environment save/restore, and the
 * "the token is nowhere" check.
 */
import { expect } from "@effect/vitest"
import { Cause } from "effect"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo, Socket } from "node:net"
import { inspect } from "node:util"

export const TOKEN = "vcp_ADAPTER_hardening_0f1e2d3c4b5a6978"

export interface Seen {
  readonly method: string | undefined
  readonly url: string | undefined
  readonly authorization: string | undefined
  readonly userAgent: string | undefined
}

export interface RawServer {
  readonly url: string
  readonly seen: ReadonlyArray<Seen>
  /** Connections open now: accepted, and not yet ended, reset or closed by the client. */
  readonly open: () => number
  /** The most connections open at once since the server started. */
  readonly peak: () => number
  /** Connections accepted in all. */
  readonly accepted: () => number
  readonly close: () => Promise<void>
}

/**
 * A node:http server on a free port of 127.0.0.1. A connection counts as open from `connection`
 * until the first of `end` (the client's FIN), `error` (its RST) or `close`; the peak is read one turn
 * of the event loop after each `connection`.
 */
export const rawServer = async (
  handle: (req: IncomingMessage, res: ServerResponse, seq: number) => void
): Promise<RawServer> => {
  const seen: Array<Seen> = []
  const sockets = new Set<Socket>()
  const live = new Set<Socket>()
  let peak = 0
  let accepted = 0
  const server = createServer((req, res) => {
    seen.push({
      method: req.method,
      url: req.url,
      authorization: req.headers.authorization,
      userAgent: req.headers["user-agent"]
    })
    handle(req, res, seen.length)
  })
  server.on("connection", (socket: Socket) => {
    accepted++
    sockets.add(socket)
    live.add(socket)
    // Counted one turn of the event loop later: a client that closes a socket and then opens another
    // sent the FIN first, but the server may accept the new one before it reads the old one's FIN.
    setTimeout(() => {
      peak = Math.max(peak, live.size)
    }, 0)
    const gone = () => live.delete(socket)
    socket.once("end", gone)
    socket.once("error", gone)
    socket.once("close", () => {
      gone()
      sockets.delete(socket)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const { port } = server.address() as AddressInfo
  let closing: Promise<void> | undefined
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    open: () => live.size,
    peak: () => peak,
    accepted: () => accepted,
    close: () =>
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
      })
  }
}

/** Runs `body` with a raw server, closing it however `body` ends. */
export const withRawServer = async <A>(
  handle: (req: IncomingMessage, res: ServerResponse, seq: number) => void,
  body: (server: RawServer) => Promise<A>
): Promise<A> => {
  const server = await rawServer(handle)
  try {
    return await body(server)
  } finally {
    await server.close()
  }
}

/** Answers a revocation the way Vercel does: 200 `{ tokenId }` for the id in the path. */
export const revoked = (req: IncomingMessage, res: ServerResponse): void => {
  req.resume()
  const tokenId = decodeURIComponent((req.url ?? "").split("/").pop() ?? "")
  res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ tokenId }))
}

/** mulberry32: a small seeded PRNG, so that random schedules repeat from run to run. */
export const prng = (seed: number) => {
  let state = seed >>> 0
  return (): number => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Polls `condition` every 10 ms; false if it still does not hold after `timeoutMs`. */
export const poll = async (condition: () => boolean, timeoutMs = 5_000): Promise<boolean> => {
  for (let waited = 0; waited <= timeoutMs; waited += 10) {
    if (condition()) return true
    await sleep(10)
  }
  return condition()
}

/** Sets environment variables for the duration of `body`, restoring them however it ends. */
export const withEnv = <A>(vars: Record<string, string | undefined>, body: () => A): A => {
  const saved = Object.fromEntries(Object.keys(vars).map((name) => [name, process.env[name]]))
  const set = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name]
      else process.env[name] = value
    }
  }
  set(vars)
  try {
    return body()
  } finally {
    set(saved)
  }
}

/** What `make` threw; fails the test (disposing the client) when it returned one instead. */
export const thrownBy = async (make: () => { readonly dispose: () => Promise<void> }): Promise<Error> => {
  let made: { readonly dispose: () => Promise<void> } | undefined
  try {
    made = make()
  } catch (error) {
    expect(error).toBeInstanceOf(Error)
    return error as Error
  }
  await made.dispose()
  throw new Error("expected createVercelAuth to throw at once, but it returned a client")
}

/** The named fields of `error` as a plain object, for `toEqual` (a failed `toMatchObject` on them is unreadable). */
export const pick = (error: unknown, ...keys: ReadonlyArray<string>): Record<string, unknown> => {
  const source = error as Record<string, unknown>
  return Object.fromEntries(keys.map((key) => [key, source[key]]))
}

/** Every rendering of `error` a user might log. */
export const renderingsOf = (error: unknown): Array<string> => {
  const e = error as { cause?: unknown; stack?: string }
  const fields = Object.values(error as Record<string, unknown>).filter((value) => typeof value === "string")
  return [
    String(error),
    JSON.stringify(error),
    inspect(error, { depth: 10 }),
    inspect(e.cause, { depth: 10 }),
    e.stack ?? "",
    Cause.pretty(Cause.fail(error)),
    ...fields
  ]
}

export const expectNoSecret = (error: unknown, secret: string = TOKEN) => {
  const leaks = renderingsOf(error).filter((rendering) => rendering.includes(secret))
  expect(leaks, `the secret appears in ${leaks.length} renderings/fields of the error`).toEqual([])
}
