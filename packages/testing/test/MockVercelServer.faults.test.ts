import { describe, expect, it } from "@effect/vitest"
import { MockVercelServer } from "@vercel-auth/testing"
import { Effect } from "effect"
import { revoke, SECRET, wait } from "./support.js"

const accounts = { tokens: { [SECRET]: ["tok_1", "tok_2"] } }

/** Polls, a bounded number of times, for what the server learns asynchronously (a client leaving). */
const until = (condition: () => boolean) =>
  Effect.gen(function*() {
    for (let i = 0; i < 200 && !condition(); i++) yield* wait(5)
    expect(condition()).toBe(true)
  })

describe("MockVercelServer: faults", () => {
  it.scoped("delays, then behaves normally", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make(accounts)
      server.script.push({ kind: "normal", delayMs: 150 })
      const started = Date.now()
      const result = yield* revoke(server, "tok_1")
      expect(Date.now() - started).toBeGreaterThanOrEqual(140)
      expect(result.status).toBe(200)
      expect(server.requests[0]!.action).toBe("normal")
    }))

  it.scoped("does nothing for a client that hangs up during the delay", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make(accounts)
      server.script.push({ kind: "normal", delayMs: 300 })
      const result = yield* revoke(server, "tok_1", { timeoutMs: 50 })
      expect(result.error).toBe("client-timeout")
      yield* until(() => server.requests[0]!.aborted)
      // Past the delay: the timer fired and found the client gone.
      yield* wait(300)
      expect(server.isLive("tok_1")).toBe(true)
      expect(server.requests[0]).toMatchObject({ aborted: true, status: undefined, deleted: undefined })
    }))

  it.scoped("hangs: never answers, and sees the client leave", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make(accounts)
      server.script.push({ kind: "hang" })
      const result = yield* revoke(server, "tok_1", { timeoutMs: 100 })
      expect(result).toMatchObject({ status: undefined, error: "client-timeout" })
      yield* until(() => server.requests[0]!.aborted)
      expect(server.requests[0]).toMatchObject({ action: "hang", status: undefined, aborted: true })
      expect(server.isLive("tok_1")).toBe(true)
    }))

  it.scoped("resets the connection before doing anything", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make(accounts)
      server.script.push({ kind: "reset", when: "before" })
      const result = yield* revoke(server, "tok_1")
      expect(result.status).toBeUndefined()
      expect(result.error).toBe("ECONNRESET")
      expect(server.isLive("tok_1")).toBe(true)
      expect(server.requests[0]).toMatchObject({ action: "reset", status: undefined, aborted: false })
      expect((yield* revoke(server, "tok_1")).status).toBe(200)
    }))

  it.scoped("resets the connection after the deletion: the lost response", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make(accounts)
      server.script.push({ kind: "reset", when: "after-delete" })
      const lost = yield* revoke(server, "tok_1")
      expect(lost).toMatchObject({ status: undefined, error: "ECONNRESET" })
      expect(server.isLive("tok_1")).toBe(false)
      expect(server.requests[0]).toMatchObject({ deleted: "tok_1", status: undefined })
      expect((yield* revoke(server, "tok_1")).status).toBe(404)
    }))

  it.scoped("truncates the body after announcing a longer one", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make(accounts)
      server.script.push({ kind: "truncate" })
      const result = yield* revoke(server, "tok_1")
      expect(result.status).toBe(200)
      expect(result.error).toBeDefined()
      expect(Number(result.headers["content-length"])).toBeGreaterThan(result.body.length)
      expect(() => JSON.parse(result.body)).toThrow()
      expect(server.isLive("tok_1")).toBe(false)
    }))

  it.scoped("sends a malformed body in place of the normal one", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make(accounts)
      server.script.push(
        { kind: "malformed", body: "<html>not json</html>" },
        { kind: "malformed", body: "{\"wrong\":1}" },
        { kind: "malformed", body: "", status: 204 }
      )
      const html = yield* revoke(server, "tok_1")
      expect([html.status, html.body, html.error]).toEqual([200, "<html>not json</html>", undefined])
      const wrong = yield* revoke(server, "tok_2")
      expect([wrong.status, wrong.body]).toEqual([200, "{\"wrong\":1}"])
      const unknown = yield* revoke(server, "tok_unknown")
      expect([unknown.status, unknown.body]).toEqual([204, ""])
      expect(server.deleted()).toEqual(["tok_1", "tok_2"])
    }))

  it.scoped("skews the clock of one response", () =>
    Effect.gen(function*() {
      const t0 = Date.UTC(2026, 5, 1)
      const server = yield* MockVercelServer.make({ ...accounts, now: () => t0 })
      server.script.push({ kind: "normal", clockSkewMs: -300_000 })
      const skewed = yield* revoke(server, "tok_1")
      expect(skewed.headers["date"]).toBe(new Date(t0 - 300_000).toUTCString())
      expect(Number(skewed.headers["x-ratelimit-reset"])).toBe((t0 - 300_000 + 60_000) / 1000)
      const plain = yield* revoke(server, "tok_2")
      expect(plain.headers["date"]).toBe(new Date(t0).toUTCString())
    }))

  it.scoped("applies the delay to any action, keeping concurrent requests independent", () =>
    Effect.gen(function*() {
      const server = yield* MockVercelServer.make(accounts)
      server.script.push({ kind: "status", status: 503, delayMs: 100, tokenId: "tok_1" })
      const [slow, fast] = yield* Effect.all([revoke(server, "tok_1"), revoke(server, "tok_2")], {
        concurrency: 2
      })
      expect([slow.status, fast.status]).toEqual([503, 200])
      expect(server.requests.map((request) => request.tokenId).sort()).toEqual(["tok_1", "tok_2"])
    }))
})
