import { describe, expect, it } from "@effect/vitest"
import { MockVercelServer } from "@vercel-auth/testing"
import { Effect } from "effect"
import * as Http from "node:http"
import * as Net from "node:net"
import { request, SECRET } from "./support.js"

const accounts = { tokens: { [SECRET]: ["tok_1", "tok_2"] } }
const port = (url: string) => Number(new URL(url).port)

/** Whether a TCP connection to `url` is refused, i.e. the server is really gone. */
const refused = (url: string) =>
  new Promise<boolean>((resolve) => {
    const socket = Net.connect(port(url), "127.0.0.1")
    socket.once("connect", () => {
      socket.destroy()
      resolve(false)
    })
    socket.once("error", () => resolve(true))
  })

describe("MockVercelServer: close()", () => {
  it.effect("ends hung requests and resolves, once and for all", () =>
    Effect.promise(async () => {
      const server = await MockVercelServer.start(accounts)
      server.script.push({ kind: "hang", times: 3 })
      const hung = [1, 2, 3].map(() => request(server.url, "/v3/user/tokens/tok_1", { timeoutMs: 10_000 }))
      for (let i = 0; i < 200 && server.requests.length < 3; i++) await new Promise((r) => setTimeout(r, 5))
      expect(server.requests).toHaveLength(3)
      const started = Date.now()
      const closing = server.close()
      expect(server.close()).toBe(closing)
      await closing
      const results = await Promise.all(hung)
      expect(Date.now() - started).toBeLessThan(2_000)
      for (const result of results) expect(result.status).toBeUndefined()
      for (const result of results) expect(result.error).not.toBe("client-timeout")
      expect(server.requests.every((recorded) => !recorded.aborted)).toBe(true)
      expect(await refused(server.url)).toBe(true)
      await server.close()
    }))

  it.effect("ends idle keep-alive connections at once", () =>
    Effect.promise(async () => {
      const server = await MockVercelServer.start(accounts)
      const agent = new Http.Agent({ keepAlive: true })
      const result = await request(server.url, "/v3/user/tokens/tok_1", { agent })
      expect(result.status).toBe(200)
      const started = Date.now()
      await server.close()
      expect(Date.now() - started).toBeLessThan(1_000)
      agent.destroy()
    }))

  it.effect("closes idle keep-alive connections after keepAliveTimeoutMs", () =>
    Effect.promise(async () => {
      const server = await MockVercelServer.start({ ...accounts, keepAliveTimeoutMs: 50 })
      const socket = Net.connect(port(server.url), "127.0.0.1")
      const closed = new Promise<number>((resolve) => socket.once("close", () => resolve(Date.now())))
      let answered = 0
      socket.on("data", () => answered = Date.now())
      socket.write(
        `DELETE /v3/user/tokens/tok_1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${SECRET}\r\nConnection: keep-alive\r\n\r\n`
      )
      const closedAt = await Promise.race([closed, new Promise<number>((r) => setTimeout(() => r(-1), 3_000))])
      expect(answered).toBeGreaterThan(0)
      expect(closedAt).toBeGreaterThan(0)
      expect(closedAt - answered).toBeLessThan(1_000)
      socket.destroy()
      await server.close()
    }))

  it.effect("closes the server of a scope with the scope", () =>
    Effect.gen(function*() {
      const url = yield* Effect.scoped(Effect.map(MockVercelServer.make(accounts), (server) => server.url))
      expect(yield* Effect.promise(() => refused(url))).toBe(true)
    }))
})
