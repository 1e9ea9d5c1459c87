/**
 * The undici transport against small node:http servers on 127.0.0.1: what arrives, what comes back,
 * and what it costs the server (sockets open at once, bytes written, connections closed) when a
 * request is cut by its deadline, its body limit, an interruption or the end of the client's scope.
 */
import * as Headers from "@effect/platform/Headers"
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import * as UndiciHttpClient from "@vercel-auth/adapter/UndiciHttpClient"
import {
  type AttemptLimits,
  BufferedBodyTypeId,
  currentAttemptLimits,
  isAttemptDeadlineExceeded,
  isBufferedResponse,
  TransportEnforcesLimits
} from "@vercel-auth/core/AttemptLimits"
import { Clock, Effect, Exit, Fiber, Random, Scope, Stream } from "effect"
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo, Socket } from "node:net"

interface Seen {
  readonly method: string
  readonly url: string
  readonly headers: IncomingHttpHeaders
  readonly body: string
  /** The server saw this request's connection close. */
  readonly closed: boolean
}

interface TestServer {
  readonly url: string
  readonly seen: Array<Seen>
  /** Sockets open now, the most open at once, and all ever accepted. */
  readonly sockets: { open: number; max: number; total: number }
}

type Handler = (req: IncomingMessage, res: ServerResponse, seen: Seen) => void

/** A server answering each request (once its body has arrived) with `handler`; closed with the scope. */
const serve = (handler: Handler) =>
  Effect.acquireRelease(
    Effect.async<TestServer & { readonly close: () => void }>((resume) => {
      const seen: Array<Seen> = []
      const sockets = { open: 0, max: 0, total: 0 }
      const closed = new WeakMap<Socket, { closed: boolean }>()
      const server = createServer((req, res) => {
        const chunks: Array<Buffer> = []
        req.on("data", (chunk: Buffer) => chunks.push(chunk))
        req.on("end", () => {
          const connection = closed.get(req.socket)!
          const entry: Seen = {
            method: req.method!,
            url: req.url!,
            headers: req.headers,
            body: Buffer.concat(chunks).toString(),
            get closed() {
              return connection.closed
            }
          }
          seen.push(entry)
          handler(req, res, entry)
        })
      })
      server.on("connection", (socket: Socket) => {
        const connection = { closed: false }
        closed.set(socket, connection)
        sockets.open++
        sockets.total++
        // Counted one turn of the event loop later: a client that closes a socket and then opens another
        // sent the FIN first, but the server may accept the new one before it reads the old one's FIN.
        setTimeout(() => {
          sockets.max = Math.max(sockets.max, sockets.open)
        }, 0)
        socket.once("close", () => {
          connection.closed = true
          sockets.open--
        })
      })
      server.listen(0, "127.0.0.1", () => {
        const { port } = server.address() as AddressInfo
        resume(Effect.succeed({
          url: `http://127.0.0.1:${port}`,
          seen,
          sockets,
          close: () => {
            server.closeAllConnections()
            server.close()
          }
        }))
      })
    }),
    (server) => Effect.sync(server.close)
  )

/** Polls `condition` every 5 ms for at most `timeoutMs`. */
const eventually = (condition: () => boolean, what: string, timeoutMs = 3_000) =>
  Effect.gen(function*() {
    for (let waited = 0; waited <= timeoutMs; waited += 5) {
      if (condition()) return
      yield* Effect.sleep(5)
    }
    return yield* Effect.dieMessage(`timed out after ${timeoutMs} ms waiting for ${what}`)
  })

const client = (connections = 4) => UndiciHttpClient.make({ connections })

/** Runs `effect` as one attempt of the engine would: with limits, the deadline `ms` from now. */
const withLimits =
  (ms: number, limits: Partial<AttemptLimits> = {}) =>
  <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    Effect.flatMap(Clock.currentTimeMillis, (now) =>
      Effect.locally(effect, currentAttemptLimits, {
        deadlineAt: now + ms,
        deadlineIsCall: false,
        maxSuccessBytes: 1 << 20,
        maxErrorBytes: 4096,
        ...limits
      }))

const bodyOf = (response: HttpClientResponse.HttpClientResponse) => {
  expect(isBufferedResponse(response)).toBe(true)
  return isBufferedResponse(response) ? response[BufferedBodyTypeId] : undefined!
}

const requestErrorOf = <A>(exit: Exit.Exit<A, HttpClientError.HttpClientError>): HttpClientError.RequestError => {
  if (Exit.isSuccess(exit)) throw new Error("expected a failure")
  const error = exit.cause._tag === "Fail" ? exit.cause.error : undefined
  if (!(error instanceof HttpClientError.RequestError)) throw new Error(`expected a RequestError, got ${exit.cause}`)
  return error
}

const elapsedSince = (start: number) => performance.now() - start

describe("UndiciHttpClient", () => {
  it.live("sends GET, DELETE and POST with their headers, query and JSON body intact", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) =>
        res.writeHead(200, { "content-type": "application/json", "set-cookie": ["a=1", "b=2"], "x-vercel-id": "v1" })
          .end("{\"ok\":true}")
      )
      const http = yield* client()
      const headers = { authorization: "Bearer tok", "user-agent": "ua/1", traceparent: "00-ab-cd-01" }

      const get = yield* http.execute(
        HttpClientRequest.get(`${server.url}/v3/user/tokens`, { headers, urlParams: { limit: 20, "a b": "c&d" } })
      )
      expect(get.status).toBe(200)
      expect(Headers.isHeaders(get.headers)).toBe(true)
      expect(get.headers["x-vercel-id"]).toBe("v1")
      expect(get.headers["content-type"]).toBe("application/json")
      expect(get.cookies.cookies).toMatchObject({ a: { value: "1" }, b: { value: "2" } })
      expect(yield* get.json).toEqual({ ok: true })
      expect(yield* get.text).toBe("{\"ok\":true}")
      expect(new TextDecoder().decode(yield* get.arrayBuffer)).toBe("{\"ok\":true}")
      expect(bodyOf(get)).toMatchObject({ truncated: false, incomplete: false })

      yield* http.execute(HttpClientRequest.del(`${server.url}/v3/user/tokens/a%2Fb?x=1#frag`, { headers }))
      yield* http.execute(
        HttpClientRequest.post(`${server.url}/v1/things`, { headers }).pipe(
          HttpClientRequest.bodyUnsafeJson({ name: "é", n: 1 })
        )
      )

      expect(server.seen.map(({ method, url }) => [method, url])).toEqual([
        ["GET", "/v3/user/tokens?limit=20&a+b=c%26d"],
        ["DELETE", "/v3/user/tokens/a%2Fb?x=1"],
        ["POST", "/v1/things"]
      ])
      for (const seen of server.seen) {
        expect(seen.headers).toMatchObject(headers)
      }
      const post = server.seen[2]!
      expect(post.headers["content-type"]).toBe("application/json")
      expect(JSON.parse(post.body)).toEqual({ name: "é", n: 1 })
      expect(server.seen[0]!.body).toBe("")
    }).pipe(Effect.scoped))

  it.live("sends raw string bodies, refuses stream bodies and URLs it cannot send", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => res.writeHead(204).end())
      const http = yield* client()
      const raw = yield* http.execute(
        HttpClientRequest.put(server.url).pipe(
          HttpClientRequest.setBody(HttpBody.raw("plain", { contentType: "text/plain" }))
        )
      )
      expect(raw.status).toBe(204)
      expect(server.seen[0]).toMatchObject({ method: "PUT", url: "/", body: "plain" })

      const stream = requestErrorOf(
        yield* Effect.exit(
          http.execute(
            HttpClientRequest.post(server.url).pipe(HttpClientRequest.bodyStream(Stream.make(new Uint8Array(1))))
          )
        )
      )
      expect(stream.reason).toBe("Encode")
      const relative = requestErrorOf(yield* Effect.exit(http.get("/relative")))
      expect(relative.reason).toBe("InvalidUrl")
      const ftp = requestErrorOf(yield* Effect.exit(http.get("ftp://127.0.0.1/")))
      expect(ftp.reason).toBe("InvalidUrl")
      expect(server.seen).toHaveLength(1)
    }).pipe(Effect.scoped))

  it.live("implements the rest of HttpClientResponse over the buffer", () =>
    Effect.gen(function*() {
      const server = yield* serve((req, res) =>
        req.url === "/form" ?
          res.writeHead(200, { "content-type": "application/x-www-form-urlencoded" }).end("a=1&b=two+words") :
          res.writeHead(200, { "content-type": "application/json" }).end("\ufeff{\"ok\":1}")
      )
      const http = yield* client()
      const form = yield* http.get(`${server.url}/form`)
      expect(yield* form.urlParamsBody).toEqual([["a", "1"], ["b", "two words"]])
      expect((yield* form.formData).get("b")).toBe("two words")
      const chunks = yield* Stream.runCollect(form.stream)
      expect(Buffer.concat([...chunks]).toString()).toBe("a=1&b=two+words")
      expect(form.remoteAddress._tag).toBe("None")
      const json = yield* http.get(`${server.url}/json`)
      // A byte order mark is not part of the text.
      expect(yield* json.json).toEqual({ ok: 1 })
      expect(json.toJSON()).toMatchObject({ _id: "@effect/platform/HttpClientResponse", status: 200, body: { ok: 1 } })
      expect(String(json)).toContain("\"status\": 200")
    }).pipe(Effect.scoped))

  it.live("a request interrupted while it waits for a connection sends nothing and costs no connection", () =>
    Effect.gen(function*() {
      let release = () => {}
      const server = yield* serve((req, res) => {
        if (req.url === "/slow") release = () => res.writeHead(200).end("{}")
        else res.writeHead(200).end("{}")
      })
      const http = yield* client(1)
      const slow = yield* Effect.fork(http.get(`${server.url}/slow`))
      yield* eventually(() => server.seen.length === 1, "the slow request to arrive")
      const queued = yield* Effect.fork(http.get(`${server.url}/queued`))
      const late = yield* Effect.fork(http.get(`${server.url}/late`).pipe(withLimits(50)))
      yield* Fiber.interrupt(queued)
      const lateError = requestErrorOf(yield* Fiber.await(late))
      expect(lateError.cause).toMatchObject({ _tag: "AttemptDeadlineExceeded", afterHeaders: false })
      release()
      expect((yield* Fiber.join(slow)).status).toBe(200)
      const next = yield* http.get(`${server.url}/next`)
      expect(next.status).toBe(200)
      expect(server.seen.map((seen) => seen.url)).toEqual(["/slow", "/next"])
      // The one connection served both: dropping the queued requests did not close it.
      expect(server.sockets.total).toBe(1)
    }).pipe(Effect.scoped))

  it.live("leaves no timer behind once an answer arrived within its deadline", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => res.writeHead(200).end("{}"))
      const http = yield* client()
      yield* http.get(server.url)
      const timers = () => process.getActiveResourcesInfo().filter((resource) => resource === "Timeout").length
      const before = timers()
      for (let i = 0; i < 20; i++) yield* http.get(server.url).pipe(withLimits(60_000))
      // Twenty 60 s timers left armed would show here (fewer is the test server's own short ones ending).
      expect(timers()).toBeLessThanOrEqual(before)
    }).pipe(Effect.scoped))

  it.live("returns a 302 as it is, without following its Location", () =>
    Effect.gen(function*() {
      const elsewhere = yield* serve((_req, res) => res.writeHead(200).end("followed"))
      const server = yield* serve((_req, res) => res.writeHead(302, { location: `${elsewhere.url}/steal` }).end())
      const http = yield* client()
      const response = yield* http.get(`${server.url}/start`)
      expect(response.status).toBe(302)
      expect(response.headers.location).toBe(`${elsewhere.url}/steal`)
      expect(elsewhere.seen).toHaveLength(0)
    }).pipe(Effect.scoped))

  it.live("a server that never answers: fails at the deadline, before headers, and the connection closes", () =>
    Effect.gen(function*() {
      const server = yield* serve(() => {})
      const http = yield* client()
      const start = performance.now()
      const error = requestErrorOf(yield* Effect.exit(http.get(server.url).pipe(withLimits(150))))
      const elapsed = elapsedSince(start)
      expect(error.reason).toBe("Transport")
      expect(isAttemptDeadlineExceeded(error.cause)).toBe(true)
      expect(error.cause).toMatchObject({ afterHeaders: false })
      expect(elapsed).toBeGreaterThanOrEqual(140)
      expect(elapsed).toBeLessThan(1_000)
      yield* eventually(() => server.seen[0]?.closed === true, "the server to see the connection close", 1_000)
    }).pipe(Effect.scoped))

  it.live("a server that stalls after the headers: fails at the deadline, after headers", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => {
        res.writeHead(200, { "content-length": "100" })
        res.write("partial")
      })
      const http = yield* client()
      const start = performance.now()
      const error = requestErrorOf(yield* Effect.exit(http.get(server.url).pipe(withLimits(150))))
      expect(elapsedSince(start)).toBeLessThan(1_000)
      expect(error.cause).toMatchObject({ _tag: "AttemptDeadlineExceeded", afterHeaders: true })
      yield* eventually(() => server.seen[0]?.closed === true, "the server to see the connection close", 1_000)
    }).pipe(Effect.scoped))

  it.live("a deadline already past sends nothing", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => res.end())
      const http = yield* client()
      const error = requestErrorOf(yield* Effect.exit(http.get(server.url).pipe(withLimits(0))))
      expect(error.cause).toMatchObject({ _tag: "AttemptDeadlineExceeded", afterHeaders: false })
      // One request after it, on the same client, is the first the server sees.
      yield* http.get(`${server.url}/after`)
      expect(server.seen.map((seen) => seen.url)).toEqual(["/after"])
    }).pipe(Effect.scoped))

  it.live("a 64 MiB error body: reads 4 KiB, marks it truncated, and the server never finishes writing", () =>
    Effect.gen(function*() {
      const total = 64 * 1024 * 1024
      const chunk = Buffer.alloc(64 * 1024, "x")
      const writer = { written: 0, finished: false }
      const server = yield* serve((_req, res) => {
        res.writeHead(500, { "content-type": "text/plain", "content-length": String(total) })
        // Written with backpressure, so `written` is what the client's side let through.
        const pump = () => {
          for (let i = 0; i < total / chunk.length && writer.written < total; i++) {
            writer.written += chunk.length
            if (!res.write(chunk)) {
              res.once("drain", pump)
              return
            }
          }
          res.end()
          writer.finished = true
        }
        pump()
      })
      const http = yield* client()
      const response = yield* http.get(server.url).pipe(withLimits(5_000, { maxErrorBytes: 4096 }))
      expect(response.status).toBe(500)
      const body = bodyOf(response)
      expect(body.bytes.length).toBe(4096)
      expect(body.truncated).toBe(true)
      expect(body.incomplete).toBe(false)
      expect(Buffer.from(body.bytes).every((byte) => byte === 0x78)).toBe(true)
      // The whole body, as the platform defines `text`, is not there.
      const text = yield* Effect.exit(response.text)
      expect(Exit.isFailure(text)).toBe(true)
      yield* eventually(() => server.seen[0]?.closed === true, "the server to see the connection close")
      expect(writer.finished).toBe(false)
      expect(writer.written).toBeLessThan(total / 4)
    }).pipe(Effect.scoped))

  it.live("a 2xx longer than maxSuccessBytes is truncated too", () =>
    Effect.gen(function*() {
      const server = yield* serve((req, res) =>
        // `/close`: the whole body arrives in one read, on a connection the server closes after it.
        res.writeHead(200, req.url === "/close" ? { connection: "close" } : {}).end("y".repeat(5_000))
      )
      const http = yield* client()
      const response = yield* http.get(server.url).pipe(withLimits(5_000, { maxSuccessBytes: 1_000 }))
      expect(bodyOf(response)).toMatchObject({ truncated: true, incomplete: false })
      expect(bodyOf(response).bytes.length).toBe(1_000)
      // A body of exactly the limit is not truncated.
      const exact = yield* http.get(server.url).pipe(withLimits(5_000, { maxSuccessBytes: 5_000 }))
      expect(bodyOf(exact)).toMatchObject({ truncated: false, incomplete: false })
      expect(yield* exact.text).toHaveLength(5_000)
      for (let i = 0; i < 5; i++) {
        const closing = yield* http.get(`${server.url}/close`).pipe(withLimits(5_000, { maxSuccessBytes: 1_000 }))
        expect(bodyOf(closing)).toMatchObject({ truncated: true, incomplete: false })
      }
      expect((yield* http.get(server.url)).status).toBe(200)
    }).pipe(Effect.scoped))

  it.live("a connection reset in the middle of the body: what arrived, marked incomplete", () =>
    Effect.gen(function*() {
      const server = yield* serve((req, res) => {
        res.writeHead(200, { "content-length": "1000" })
        res.write("z".repeat(100), () => req.socket.destroy())
      })
      const http = yield* client()
      const response = yield* http.get(server.url).pipe(withLimits(5_000))
      const body = bodyOf(response)
      expect(body).toMatchObject({ truncated: false, incomplete: true })
      expect(Buffer.from(body.bytes).toString()).toBe("z".repeat(100))
      const text = yield* Effect.flip(response.text)
      expect(text.reason).toBe("Decode")
      // Without limits too: the same answer, not a failure.
      const unlimited = yield* http.get(server.url)
      expect(bodyOf(unlimited)).toMatchObject({ truncated: false, incomplete: true })
    }).pipe(Effect.scoped))

  it.live("without limits, reads the whole body (1 MiB) and sets no deadline", () =>
    Effect.gen(function*() {
      const big = "w".repeat(1 << 20)
      const server = yield* serve((_req, res) => res.writeHead(404).end(big))
      const http = yield* client()
      const response = yield* http.get(server.url)
      expect(response.status).toBe(404)
      expect(yield* response.text).toBe(big)
      expect(bodyOf(response)).toMatchObject({ truncated: false, incomplete: false })
    }).pipe(Effect.scoped))

  it.live("interrupting the fiber closes the connection at once", () =>
    Effect.gen(function*() {
      const server = yield* serve(() => {})
      const http = yield* client()
      const fiber = yield* Effect.fork(http.get(server.url))
      yield* eventually(() => server.seen.length === 1, "the request to arrive")
      const start = performance.now()
      yield* Fiber.interrupt(fiber)
      yield* eventually(() => server.seen[0]!.closed, "the server to see the connection close", 1_000)
      expect(elapsedSince(start)).toBeLessThan(500)
      // undici then reconnects once (the aborted request stays at the head of its queue until the socket
      // closes): an idle connection that sends nothing, for the next request or the scope's end.
      expect(server.sockets.open).toBeLessThanOrEqual(1)
      yield* http.get(`${server.url}/next`).pipe(Effect.fork)
      yield* eventually(() => server.seen.length === 2, "the next request to arrive")
      expect(server.seen.map((seen) => seen.url)).toEqual(["/", "/next"])
    }).pipe(Effect.scoped))

  it.live("interrupting every request in flight while others queue never opens more than the cap", () =>
    Effect.gen(function*() {
      // The case an undici Agent gets wrong: when all of an origin's connections close it replaces the
      // origin's pool while the old one still serves its queue, and both hold connections.
      const server = yield* serve((req, res) => {
        if (req.url!.startsWith("/hang")) return
        // Slow enough that the queue is still being served when the later requests arrive.
        setTimeout(() => res.writeHead(200).end("{}"), 10)
      })
      const http = yield* client(4)
      const hung = yield* Effect.forEach([0, 1, 2, 3], (i) => Effect.fork(http.get(`${server.url}/hang${i}`)))
      yield* eventually(() => server.seen.length === 4, "4 requests in flight")
      const queued = yield* Effect.forEach(
        Array.from({ length: 20 }, (_, i) => i),
        (i) => Effect.fork(http.get(`${server.url}/queued${i}`))
      )
      yield* Fiber.interruptAll(hung)
      yield* eventually(() => server.seen.slice(0, 4).every((seen) => seen.closed), "the 4 connections to close")
      const later = yield* Effect.forEach(
        Array.from({ length: 20 }, (_, i) => i),
        (i) => Effect.fork(http.get(`${server.url}/later${i}`))
      )
      const statuses = yield* Fiber.join(Fiber.all([...queued, ...later]))
      expect(statuses.map((response) => response.status)).toEqual(Array.from({ length: 40 }, () => 200))
      expect(server.sockets.max).toBeLessThanOrEqual(4)
    }).pipe(Effect.scoped))

  it.live("with connections: 4, 200 concurrent requests never hold more than 4 sockets", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => setImmediate(() => res.writeHead(200).end("{}")))
      const http = yield* client(4)
      const responses = yield* Effect.forEach(
        Array.from({ length: 200 }, (_, i) => i),
        (i) => Effect.map(http.get(`${server.url}/${i}`), (response) => response.status),
        { concurrency: "unbounded" }
      )
      expect(responses.every((status) => status === 200)).toBe(true)
      expect(server.seen).toHaveLength(200)
      expect(server.sockets.max).toBeLessThanOrEqual(4)
      expect(server.sockets.total).toBeLessThanOrEqual(4)
    }).pipe(Effect.scoped))

  it.live("an abort storm of 500 requests interrupted at seeded-random times never holds more than 4 sockets", () =>
    Effect.gen(function*() {
      // The server answers each request after a seeded-random delay, so that interruptions land while
      // queued for a connection, while waiting for headers and after them.
      let seed = 42
      const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
      const server = yield* serve((_req, res) => {
        const delay = Math.floor(next() * 8)
        setTimeout(() => res.writeHead(200).end("{}"), delay)
      })
      const http = yield* client(4)
      const outcomes = { ok: 0, interrupted: 0 }
      yield* Effect.forEach(
        Array.from({ length: 500 }, (_, i) => i),
        (i) =>
          Effect.gen(function*() {
            const fiber = yield* Effect.fork(http.get(`${server.url}/${i}`))
            yield* Effect.sleep(yield* Random.nextIntBetween(0, 40))
            const exit = yield* Fiber.interrupt(fiber)
            if (Exit.isSuccess(exit)) outcomes.ok++
            else outcomes.interrupted++
          }),
        { concurrency: "unbounded", discard: true }
      ).pipe(Effect.withRandom(Random.make(7)))
      expect(outcomes.ok + outcomes.interrupted).toBe(500)
      expect(outcomes.interrupted).toBeGreaterThan(0)
      expect(server.sockets.max).toBeLessThanOrEqual(4)
      // The client is still healthy afterwards.
      const after = yield* http.get(`${server.url}/after`)
      expect(after.status).toBe(200)
      expect(server.sockets.max).toBeLessThanOrEqual(4)
    }).pipe(Effect.scoped))

  it.live("closing the scope closes every socket, idle and in flight, and later requests fail", () =>
    Effect.gen(function*() {
      const server = yield* serve((req, res) => {
        if (req.url === "/hang") return
        res.writeHead(200).end("{}")
      })
      const scope = yield* Scope.make()
      const http = yield* client(4).pipe(Scope.extend(scope))
      yield* Effect.forEach([1, 2, 3], () => http.get(server.url), { concurrency: "unbounded", discard: true })
      const hung = yield* Effect.fork(Effect.exit(http.get(`${server.url}/hang`)))
      yield* eventually(() => server.seen.some((seen) => seen.url === "/hang"), "the hung request to arrive")
      expect(server.sockets.open).toBeGreaterThan(0)
      yield* Scope.close(scope, Exit.void)
      yield* eventually(() => server.sockets.open === 0, "every socket to close", 1_000)
      const hungError = requestErrorOf(yield* Fiber.join(hung))
      expect(hungError.reason).toBe("Transport")
      const later = requestErrorOf(yield* Effect.exit(http.get(server.url)))
      expect(later.reason).toBe("Transport")
    }).pipe(Effect.scoped))

  it.live("a refused connection is a Transport RequestError carrying ECONNREFUSED", () =>
    Effect.gen(function*() {
      const closed = yield* Effect.scoped(serve(() => {}))
      const http = yield* client()
      const error = requestErrorOf(yield* Effect.exit(http.get(closed.url).pipe(withLimits(5_000))))
      expect(error.reason).toBe("Transport")
      expect(error.cause).toMatchObject({ code: "ECONNREFUSED" })
    }).pipe(Effect.scoped))

  it.live("layer provides the client and TransportEnforcesLimits", () =>
    Effect.gen(function*() {
      const server = yield* serve((_req, res) => res.writeHead(200).end("{}"))
      const enforces = yield* TransportEnforcesLimits
      expect(enforces).toBe(true)
      const response = yield* HttpClient.get(server.url)
      expect(response.status).toBe(200)
    }).pipe(Effect.provide(UndiciHttpClient.layer({ connections: 2 })), Effect.scoped))
})
