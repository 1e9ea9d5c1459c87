/**
 * The mock Vercel server: node:http on 127.0.0.1, the routes' behaviour, and the faults of the script.
 * It runs on the real clock (or the injected `now`): it is a peer for tests, not library code driven
 * by `TestClock`.
 */
import { randomBytes } from "node:crypto"
import * as Http from "node:http"
import type { Socket } from "node:net"
import type { Options, RecordedRequest, ScriptEntry, Server } from "../MockVercelServer.js"
import { type Incoming, incoming, makeAnswer, rateKeyOf } from "./handlers.js"
import { pageConfig } from "./pagination.js"
import { defaultRateLimit, makeRateLimiter, type Window } from "./rateWindow.js"
import { readBody } from "./requestBody.js"
import { bearerOf, queryOf, route, tokenIdOf } from "./route.js"
import { makeScript } from "./script.js"
import { makeSso } from "./sso.js"
import { makeTokenStore } from "./tokenStore.js"
import { rateLimitHeaders, type Reply, scriptedBody } from "./vercelReply.js"

type Mutable<A> = { -readonly [K in keyof A]: A[K] }

export const listen = (options: Options): Promise<Server> => {
  const now = options.now ?? Date.now
  let pages: ReturnType<typeof pageConfig>
  try {
    pages = pageConfig(options.pagination)
  } catch (error) {
    return Promise.reject(error)
  }
  const store = makeTokenStore(now)
  store.add(options.tokens ?? {}, options.selfIds)
  const sso = makeSso(options.sso)
  const answerOf = makeAnswer({ store, sso, pages, now })
  const takeWindow = makeRateLimiter(options.rateLimit ?? defaultRateLimit)
  const script = makeScript()
  const requests: Array<RecordedRequest> = []
  const sockets = new Set<Socket>()
  const timers = new Set<ReturnType<typeof setTimeout>>()
  const requestIdPrefix = randomBytes(4).toString("hex")
  let closing: Promise<void> | undefined

  const handle = (req: Http.IncomingMessage, res: Http.ServerResponse, seq: number) => {
    const method = req.method ?? "GET"
    const target = req.url ?? "/"
    const bearer = bearerOf(req.headers.authorization)
    const match = route(method, target)
    const record: Mutable<RecordedRequest> = {
      method,
      path: target,
      route: match?.route,
      tokenId: tokenIdOf(target),
      hasAuth: req.headers.authorization !== undefined,
      bearerId: bearer === undefined ? undefined : store.selfId(bearer),
      userAgent: req.headers["user-agent"],
      at: now(),
      status: undefined,
      action: undefined,
      deleted: undefined,
      created: undefined,
      clientId: undefined,
      grantType: undefined,
      aborted: false
    }
    requests.push(record)
    const entry = script.take({ method, route: record.route, tokenId: record.tokenId })
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

    const act = (entry: ScriptEntry | undefined, request: Incoming) => {
      const skewMs = (options.clockSkewMs ?? 0) + (entry?.clockSkewMs ?? 0)
      const window = takeWindow(rateKeyOf(request), now())
      const answer = () => {
        const outcome = answerOf(request, window, skewMs)
        record.deleted = outcome.deleted
        record.created = outcome.created
        return outcome
      }
      switch (entry?.kind) {
        case "hang":
          return
        case "reset": {
          if (entry.when !== "before") answer()
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

    // The body is read whole before anything happens, as the routes that take one need it to act.
    readBody(req, (raw) => {
      if (record.aborted || res.destroyed) return
      const request = incoming(match, queryOf(target), bearer, raw)
      if (request.body?._tag === "Object" && match?.route === "sso") {
        // Names only: the secret, the code and the refresh token stay out of the record.
        const { client_id, grant_type } = request.body.value
        record.clientId = typeof client_id === "string" ? client_id : undefined
        record.grantType = typeof grant_type === "string" ? grant_type : undefined
      }
      const delayMs = entry?.delayMs ?? 0
      if (delayMs <= 0) return act(entry, request)
      // A Node timer on purpose: this server answers real sockets on the real clock, which TestClock cannot drive.
      const timer = setTimeout(() => {
        timers.delete(timer)
        if (!record.aborted && !res.destroyed) act(entry, request)
      }, delayMs)
      timers.add(timer)
    })
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
        deleted: store.deleted,
        isLive: store.isLive,
        token: store.token,
        tokensOf: store.liveOf,
        selfId: store.selfId,
        add: store.add,
        addSsoCodes: (...codes) => sso.addCodes(codes),
        ssoCodeUsed: sso.codeUsed,
        close
      })
    })
  })
}
