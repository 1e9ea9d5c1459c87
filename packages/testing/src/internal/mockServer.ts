/**
 * The mock Vercel server: node:http on 127.0.0.1, the token endpoint's behaviour, and the faults of
 * the script. It runs on the real clock (or the injected `now`): it is a peer for tests, not library
 * code driven by `TestClock`.
 */
import { randomBytes } from "node:crypto"
import * as Http from "node:http"
import type { Socket } from "node:net"
import type { Options, RecordedRequest, ScriptEntry, Server } from "../MockVercelServer.js"
import { makeAccounts } from "./accounts.js"
import { defaultRateLimit, makeRateLimiter, type Window } from "./rateWindow.js"
import { bearerOf, route, tokenIdOf } from "./route.js"
import { makeScript } from "./script.js"
import { rateLimited, rateLimitHeaders, type Reply, scriptedBody, vercelError } from "./vercelReply.js"

type Mutable<A> = { -readonly [K in keyof A]: A[K] }

/** The request's own answer, before any fault changes how it is delivered. */
interface Outcome extends Reply {
  readonly deleted?: string | undefined
}

export const listen = (options: Options): Promise<Server> => {
  const now = options.now ?? Date.now
  const accounts = makeAccounts()
  accounts.add(options.tokens ?? {}, options.selfIds)
  const takeWindow = makeRateLimiter(options.rateLimit ?? defaultRateLimit)
  const script = makeScript()
  const requests: Array<RecordedRequest> = []
  const sockets = new Set<Socket>()
  const timers = new Set<ReturnType<typeof setTimeout>>()
  const requestIdPrefix = randomBytes(4).toString("hex")
  let closing: Promise<void> | undefined

  const normal = (
    method: string,
    target: string,
    bearer: string | undefined,
    window: Window | undefined,
    skewMs: number
  ): Outcome => {
    const found = route(method, target)
    if (found._tag === "Unknown") return vercelError(404, "The requested path was not found")
    if (found._tag === "BadTokenId") return vercelError(400, "Invalid request: `tokenId` is not a valid path segment")
    if (bearer === undefined) {
      return vercelError(401, "Missing or malformed Authorization header: expected \"Bearer <token>\"")
    }
    if (window?.exceeded === true) return rateLimited(window, now(), skewMs)
    if (!accounts.isValid(bearer)) return vercelError(403, "Not authorized", { invalidToken: true })
    const revocation = accounts.revoke(bearer, found.tokenId)
    if (revocation._tag === "NotFound") return vercelError(404, "The token was not found")
    return {
      status: 200,
      headers: {},
      body: JSON.stringify({ tokenId: revocation.tokenId }),
      deleted: revocation.tokenId
    }
  }

  const handle = (req: Http.IncomingMessage, res: Http.ServerResponse, seq: number) => {
    req.resume()
    const method = req.method ?? "GET"
    const target = req.url ?? "/"
    const bearer = bearerOf(req.headers.authorization)
    const record: Mutable<RecordedRequest> = {
      method,
      path: target,
      tokenId: tokenIdOf(target),
      hasAuth: req.headers.authorization !== undefined,
      bearerId: bearer === undefined ? undefined : accounts.selfId(bearer),
      userAgent: req.headers["user-agent"],
      at: now(),
      status: undefined,
      action: undefined,
      deleted: undefined,
      aborted: false
    }
    requests.push(record)
    const entry = script.take({ method, tokenId: record.tokenId })
    record.action = entry?.kind
    let destroyedByServer = false
    res.on("close", () => {
      if (!res.writableFinished && !destroyedByServer && closing === undefined) record.aborted = true
    })

    const destroy = () => {
      destroyedByServer = true
      // An RST rather than a FIN: what a crashed proxy or a dropped connection looks like to the client.
      req.socket.resetAndDestroy()
    }

    const send = (reply: Reply, skewMs: number, window: Window | undefined, truncate = false) => {
      record.status = reply.status
      // HTTP forbids a body on these; Node would drop it but keep a Content-Length that lies.
      const body = Buffer.from(reply.status === 204 || reply.status === 304 ? "" : reply.body)
      const headers = {
        "content-type": "application/json; charset=utf-8",
        date: new Date(now() + skewMs).toUTCString(),
        "x-vercel-id": `tst1::${requestIdPrefix}-${seq}`,
        ...rateLimitHeaders(window, skewMs),
        ...reply.headers,
        // Announcing more than is sent is the truncation: the client waits for bytes that never come.
        "content-length": String(body.length + (truncate ? 64 : 0))
      }
      res.writeHead(reply.status, headers)
      if (!truncate) return void res.end(body)
      res.write(body.subarray(0, Math.floor(body.length / 2)), () => {
        destroyedByServer = true
        req.socket.destroy()
      })
    }

    const act = (entry: ScriptEntry | undefined) => {
      const skewMs = (options.clockSkewMs ?? 0) + (entry?.clockSkewMs ?? 0)
      const window = takeWindow(bearer ?? "", now())
      const answer = () => {
        const outcome = normal(method, target, bearer, window, skewMs)
        record.deleted = outcome.deleted
        return outcome
      }
      switch (entry?.kind) {
        case "hang":
          return
        case "reset": {
          if (entry.when === "after-delete") answer()
          return destroy()
        }
        case "status": {
          const retryAfter = entry.retryAfter === undefined ? {} : { "retry-after": String(entry.retryAfter) }
          const scripted = Object.entries(entry.headers ?? {}).map(([name, value]) => [name.toLowerCase(), value])
          const headers = { ...retryAfter, ...Object.fromEntries(scripted) }
          return send({ status: entry.status, headers, body: scriptedBody(entry.status, entry.body) }, skewMs, window)
        }
        case "truncate":
          return send(answer(), skewMs, window, true)
        case "malformed": {
          const outcome = answer()
          return send({ ...outcome, status: entry.status ?? outcome.status, body: entry.body }, skewMs, window)
        }
        default:
          return send(answer(), skewMs, window)
      }
    }

    const delayMs = entry?.delayMs ?? 0
    if (delayMs <= 0) return act(entry)
    // A Node timer on purpose: this server answers real sockets on the real clock, which TestClock cannot drive.
    const timer = setTimeout(() => {
      timers.delete(timer)
      if (!record.aborted && !res.destroyed) act(entry)
    }, delayMs)
    timers.add(timer)
  }

  // Node adds a second of grace to keepAliveTimeout; tests asking for a short one mean it, so the idle
  // time is kept here: from the last response of a connection until its next request.
  const keepAliveMs = options.keepAliveTimeoutMs
  const connections = new Map<Socket, { active: number; idle: ReturnType<typeof setTimeout> | undefined }>()
  const track = (socket: Socket, res: Http.ServerResponse) => {
    const connection = connections.get(socket)
    if (connection === undefined) return
    clearTimeout(connection.idle)
    connection.active++
    res.on("close", () => {
      if (--connection.active > 0 || keepAliveMs === undefined) return
      connection.idle = setTimeout(() => socket.destroy(), keepAliveMs)
    })
  }

  let seq = 0
  const server = Http.createServer((req, res) => {
    track(req.socket, res)
    handle(req, res, ++seq)
  })
  if (keepAliveMs !== undefined) server.keepAliveTimeout = keepAliveMs
  server.on("connection", (socket: Socket) => {
    sockets.add(socket)
    connections.set(socket, { active: 0, idle: undefined })
    socket.on("close", () => {
      sockets.delete(socket)
      clearTimeout(connections.get(socket)?.idle)
      connections.delete(socket)
    })
  })

  const close = () =>
    closing ??= new Promise<void>((resolve) => {
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
      server.close(() => resolve())
      // server.close only stops accepting; hung and keep-alive connections would hold it open forever.
      for (const socket of sockets) socket.destroy()
    })

  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject)
      const address = server.address()
      if (address === null || typeof address === "string") return reject(new Error("MockVercelServer: no TCP address"))
      resolve({
        url: `http://127.0.0.1:${address.port}`,
        requests,
        script,
        count: (status) =>
          status === undefined ? requests.length : requests.filter((request) => request.status === status).length,
        deleted: accounts.deleted,
        isLive: accounts.isLive,
        selfId: accounts.selfId,
        add: accounts.add,
        close
      })
    })
  })
}
