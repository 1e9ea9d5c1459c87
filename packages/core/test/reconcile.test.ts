import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { failureOf, harness, json, type Reply, settle, vercelError } from "./support.js"

const reset: Reply = { transport: "ECONNRESET", message: "other side closed" }
const refused: Reply = { transport: "ECONNREFUSED" }
const notFound = vercelError(404, "not_found", "no such token")
const invalidBearer = json(403, { error: { code: "forbidden", message: "invalid token", invalidToken: true } })

describe("lost responses are reconciled", () => {
  const ambiguous: ReadonlyArray<readonly [string, Reply, object?]> = [
    ["a reset after sending", reset],
    ["a 503", vercelError(503, "unavailable", "try later")],
    ["a 502 from a proxy", new Response("<html>bad gateway</html>", { status: 502 })],
    ["an attempt timeout", "hang", { attemptTimeout: 1000 }]
  ]
  for (const [name, first, policy] of ambiguous) {
    for (const status of [404, 410]) {
      it.effect(`${name} then ${status} means the first attempt deleted it`, () =>
        Effect.gen(function*() {
          const h = harness([first, status === 404 ? notFound : vercelError(410, "gone", "gone")], policy)
          const exit = yield* settle(h.revoke("tok_1").pipe(Effect.provide(h.layer)))
          expect(exit).toEqual(expect.objectContaining({ _tag: "Success" }))
          expect(exit._tag === "Success" && exit.value).toEqual({ tokenId: "tok_1", alreadyDeleted: true })
          expect(h.requests).toHaveLength(2)
        }))
    }
  }

  it.effect("a 404 on the first attempt is TokenNotFound", () =>
    Effect.gen(function*() {
      const h = harness([notFound])
      expect(failureOf(yield* settle(h.revoke("tok_1").pipe(Effect.provide(h.layer))))._tag).toBe("TokenNotFound")
    }))

  it.effect("a refused connection reached nothing, so a later 404 is still TokenNotFound", () =>
    Effect.gen(function*() {
      const h = harness([refused, notFound])
      const error = failureOf(yield* settle(h.revoke("tok_1").pipe(Effect.provide(h.layer))))
      expect(error).toMatchObject({ _tag: "TokenNotFound", attempts: 2 })
    }))

  it.effect("a 429 is not ambiguous: the server did not act", () =>
    Effect.gen(function*() {
      const h = harness([json(429, {}, { "retry-after": "1" }), notFound])
      expect(failureOf(yield* settle(h.revoke("tok_1").pipe(Effect.provide(h.layer))))._tag).toBe("TokenNotFound")
    }))

  it.effect("for `current`, a 403 invalidToken after a reset means our own token is gone; nothing more is sent", () =>
    Effect.gen(function*() {
      const h = harness([reset, invalidBearer, json(200, { tokenId: "never" })])
      const exit = yield* settle(h.revoke("current").pipe(Effect.provide(h.layer)))
      expect(exit._tag === "Success" && exit.value).toEqual({ tokenId: "current", alreadyDeleted: true })
      expect(h.requests).toHaveLength(2)
    }))

  it.effect("for `current`, a 401 after a timeout means the same", () =>
    Effect.gen(function*() {
      const h = harness(["hang", new Response(null, { status: 401 })], { attemptTimeout: 1000 })
      const exit = yield* settle(h.revoke("current").pipe(Effect.provide(h.layer)))
      expect(exit._tag === "Success" && exit.value).toEqual({ tokenId: "current", alreadyDeleted: true })
    }))

  it.effect("for `current`, a 403 without invalidToken is still Forbidden", () =>
    Effect.gen(function*() {
      const h = harness([reset, vercelError(403, "forbidden", "scope")])
      expect(failureOf(yield* settle(h.revoke("current").pipe(Effect.provide(h.layer))))).toMatchObject({
        _tag: "Forbidden",
        attempts: 2
      })
    }))

  it.effect("for another id, a 403 invalidToken after a reset is Forbidden: our token is not the one revoked", () =>
    Effect.gen(function*() {
      const h = harness([reset, invalidBearer])
      expect(failureOf(yield* settle(h.revoke("tok_1").pipe(Effect.provide(h.layer))))).toMatchObject({
        _tag: "Forbidden",
        invalidToken: true
      })
    }))

  it.effect("for `current`, a first-attempt 403 invalidToken is Forbidden", () =>
    Effect.gen(function*() {
      const h = harness([invalidBearer])
      expect(failureOf(yield* settle(h.revoke("current").pipe(Effect.provide(h.layer))))._tag).toBe("Forbidden")
    }))
})

describe("what is not retried", () => {
  it.effect("a 2xx whose body breaks off is UnexpectedResponse after one attempt", () =>
    Effect.gen(function*() {
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode("{\"tokenId\":\"to"))
          controller.error(new Error("terminated"))
        }
      })
      const h = harness([new Response(body, { status: 200 })])
      const error = failureOf(yield* settle(h.revoke("tok_1").pipe(Effect.provide(h.layer))))
      expect(error).toMatchObject({ _tag: "UnexpectedResponse", status: 200, attempts: 1 })
      expect(h.requests).toHaveLength(1)
    }))

  it.effect("a body that never ends times out the attempt and is not retried", () =>
    Effect.gen(function*() {
      const h = harness([() => new Response(new ReadableStream({}), { status: 200 })], { attemptTimeout: 2000 })
      const error = failureOf(yield* settle(h.revoke("tok_1").pipe(Effect.provide(h.layer))))
      expect(error).toMatchObject({ _tag: "Timeout", phase: "attempt", attempts: 1 })
      expect(h.requests).toHaveLength(1)
    }))
})
