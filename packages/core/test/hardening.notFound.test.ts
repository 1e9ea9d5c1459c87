/**
 * Item 7 of the hardening issue, at the response: a 404 means "no such token", for `missingOk` and
 * for reconciling a lost response after an ambiguous attempt, only when it carries Vercel's JSON
 * error body (`{ error: { code, message } }` or `err`). An HTML, plain-text or empty 404 (a wrong
 * route, a proxy) is `UnexpectedResponse`, never a success.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Fiber, TestClock } from "effect"
import { client, expectNoSecret, failureOf, pick } from "./hardening.support.js"

const html404 = () =>
  new Response("<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>", {
    status: 404,
    headers: { "content-type": "text/html" }
  })
const text404 = () => new Response("Not Found", { status: 404, headers: { "content-type": "text/plain" } })
const empty404 = () => new Response(null, { status: 404 })
// JSON, but not Vercel's error body.
const json404 = () =>
  new Response(JSON.stringify({ message: "route not found" }), {
    status: 404,
    headers: { "content-type": "application/json" }
  })
const vercel404 = (key: "error" | "err") => () =>
  new Response(JSON.stringify({ [key]: { code: "not_found", message: "The token was not found" } }), {
    status: 404,
    headers: { "content-type": "application/json" }
  })

const notVercel: ReadonlyArray<readonly [string, () => Response]> = [
  ["an HTML 404", html404],
  ["a plain-text 404", text404],
  ["an empty 404", empty404],
  ["a JSON 404 that is not Vercel's error body", json404]
]

/** Runs `effect` on the TestClock, letting every wait of the policy elapse. */
const settle = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(Effect.exit(effect))
    yield* TestClock.adjust("5 minutes")
    return yield* Fiber.join(fiber)
  })

describe("only Vercel's 404 means \"no such token\"", () => {
  for (const [name, reply] of notVercel) {
    it.effect(`${name} with missingOk is UnexpectedResponse, not { alreadyDeleted: true }`, () =>
      Effect.gen(function*() {
        const h = client(reply)
        const error = failureOf(yield* settle(h.revoke("tok_1", { missingOk: true }).pipe(Effect.provide(h.layer))))
        expect(pick(error, "_tag", "status", "attempts")).toEqual({
          _tag: "UnexpectedResponse",
          status: 404,
          attempts: 1
        })
        expectNoSecret(error)
        expect(h.requests).toHaveLength(1)
      }))

    it.effect(`${name} without missingOk is UnexpectedResponse, not TokenNotFound`, () =>
      Effect.gen(function*() {
        const h = client(reply)
        const error = failureOf(yield* settle(h.revoke("tok_1").pipe(Effect.provide(h.layer))))
        expect(pick(error, "_tag", "status", "attempts")).toEqual({
          _tag: "UnexpectedResponse",
          status: 404,
          attempts: 1
        })
        expect(h.requests).toHaveLength(1)
      }))
  }

  // What an ambiguous first attempt looks like to the client: a reset after sending, or a 5xx.
  const ambiguous: ReadonlyArray<readonly [string, () => Response]> = [
    ["a reset after sending", () => {
      throw Object.assign(new Error("other side closed"), { code: "ECONNRESET" })
    }],
    ["a 503", () => new Response("<html>unavailable</html>", { status: 503, headers: { "content-type": "text/html" } })]
  ]
  for (const [first, firstReply] of ambiguous) {
    for (const [name, reply] of notVercel.filter(([name]) => name !== "a plain-text 404")) {
      it.effect(`${first}, then ${name}: UnexpectedResponse, not { alreadyDeleted: true }`, () =>
        Effect.gen(function*() {
          let n = 0
          const h = client(() => n++ === 0 ? firstReply() : reply())
          const error = failureOf(yield* settle(h.revoke("tok_1").pipe(Effect.provide(h.layer))))
          expect(pick(error, "_tag", "status", "attempts")).toEqual({
            _tag: "UnexpectedResponse",
            status: 404,
            attempts: 2
          })
          expect(h.requests).toHaveLength(2)
        }))
    }
  }

  // Controls: what must keep working once the rule is in.
  for (const key of ["error", "err"] as const) {
    it.effect(`(control) a 404 with Vercel's \`${key}\` body: TokenNotFound, or alreadyDeleted with missingOk`, () =>
      Effect.gen(function*() {
        const h = client(vercel404(key))
        const error = failureOf(yield* settle(h.revoke("tok_1").pipe(Effect.provide(h.layer))))
        expect(pick(error, "_tag", "status", "attempts", "tokenId")).toEqual({
          _tag: "TokenNotFound",
          status: 404,
          attempts: 1,
          tokenId: "tok_1"
        })
        const exit = yield* settle(h.revoke("tok_1", { missingOk: true }).pipe(Effect.provide(h.layer)))
        expect(Exit.isSuccess(exit) && exit.value).toEqual({ tokenId: "tok_1", alreadyDeleted: true })
      }))

    it.effect(`(control) a reset after sending, then Vercel's \`${key}\` 404: alreadyDeleted`, () =>
      Effect.gen(function*() {
        let n = 0
        const h = client(() => {
          if (n++ === 0) throw Object.assign(new Error("other side closed"), { code: "ECONNRESET" })
          return vercel404(key)()
        })
        const exit = yield* settle(h.revoke("tok_1").pipe(Effect.provide(h.layer)))
        expect(Exit.isSuccess(exit) && exit.value).toEqual({ tokenId: "tok_1", alreadyDeleted: true })
        expect(h.requests).toHaveLength(2)
      }))
  }
})
