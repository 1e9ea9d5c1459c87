/**
 * Helpers of the core's unit tests: the whole core wiring over the shipped `MockHttpClient`, answering
 * from a script (each request takes the next reply, the last one repeats) or from a handler.
 */
import { expect } from "@effect/vitest"
import { type Resilience, TokenService, VercelAuth } from "@vercel-auth/core"
import { MockHttpClient } from "@vercel-auth/testing"
import type { Duration } from "effect"
import { Cause, Clock, Effect, Exit, Fiber, Layer, TestClock } from "effect"
import { inspect } from "node:util"

export const TOKEN = "vcp_SECRET_bearer_0123456789abcdef"
export const BASE_URL = "https://api.vercel.test"

/**
 * One scripted answer: a `Response`, a transport failure (`{ transport: "ECONNRESET" }`), a request
 * that never ends (`"hang"`), an answer after a delay on the `Clock`, or a function of the request.
 */
export type Reply =
  | Response
  | { readonly transport: string; readonly message?: string }
  | "hang"
  | { readonly delay: Duration.DurationInput; readonly then: Reply }
  | ((request: MockHttpClient.Recorded) => Reply)

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(typeof body === "string" ? body : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers }
  })

export const vercelError = (status: number, code: string, message: string, extra: object = {}) =>
  json(status, { error: { code, message, ...extra } }, { "x-vercel-id": `fra1::${code}-${status}` })

/** A reply as a `MockHttpClient` handler answer; a transport failure is what a real transport reports. */
const answer = (reply: Reply, recorded: MockHttpClient.Recorded): Effect.Effect<Response, Error> => {
  if (typeof reply === "function") return answer(reply(recorded), recorded)
  if (reply === "hang") return Effect.never
  if (reply instanceof Response) return Effect.succeed(reply)
  if ("delay" in reply) return Effect.zipRight(Effect.sleep(reply.delay), answer(reply.then, recorded))
  return Effect.fail(
    Object.assign(new Error(reply.message ?? `${reply.transport} (simulated)`), { code: reply.transport })
  )
}

/** A handler answering each request with the next reply of `replies` (the last one repeats). */
export const scriptHandler = (replies: ReadonlyArray<Reply>): MockHttpClient.Handler => {
  let next = 0
  return (request, url, signal) =>
    answer(replies[Math.min(next++, replies.length - 1)]!, {
      request,
      method: request.method,
      url,
      headers: request.headers,
      signal
    })
}

/** A `MockHttpClient` answering each request with the next reply of `replies` (the last one repeats). */
export const scripted = (replies: ReadonlyArray<Reply>): MockHttpClient.MockHttpClient =>
  MockHttpClient.make(scriptHandler(replies))

/**
 * The whole core wiring (`VercelAuth.layer`) over a `MockHttpClient` answering from a script or a
 * handler. `requests` are the mock's own record of what was sent, in order.
 */
export const harness = (
  script: ReadonlyArray<Reply> | MockHttpClient.Handler,
  resilience?: Partial<Resilience.ResiliencePolicy>,
  options: Omit<Partial<VercelAuth.Options>, "resilience"> = {}
) => {
  const mock = typeof script === "function" ? MockHttpClient.make(script) : scripted(script)
  const layer = VercelAuth.layer({ token: TOKEN, baseUrl: BASE_URL, resilience, ...options }).pipe(
    Layer.provide(mock.layer),
    Layer.orDie
  )
  const revoke = (tokenId: string, opts?: TokenService.DeleteOptions) =>
    Effect.flatMap(TokenService.TokenService, (service) => service.delete(tokenId, opts))
  return { requests: mock.requests, layer, revoke }
}

/** The token id of a `/v3/user/tokens/{id}` URL. */
export const idOf = (url: URL): string => decodeURIComponent(url.pathname.split("/").pop() ?? "")

/**
 * The named fields of `error` as a plain object, for `toEqual`: vitest cannot render a failed
 * `toMatchObject` on Effect errors (Effect wraps a failure in a span-carrying Proxy and the diff
 * recurses without end), so tests compare this projection.
 */
export const pick = (error: unknown, ...keys: ReadonlyArray<string>): Record<string, unknown> => {
  const source = error as Record<string, unknown>
  return Object.fromEntries(keys.map((key) => [key, source[key]]))
}

/** Every string reachable from `value` (own properties, `message`, `stack`, `cause`, bounded depth). */
const stringsOf = (value: unknown, depth = 0, seen = new Set<unknown>()): Array<string> => {
  if (typeof value === "string") return [value]
  if (typeof value !== "object" || value === null || depth > 5 || seen.has(value)) return []
  seen.add(value)
  const keys = [...Object.getOwnPropertyNames(value), "message", "stack", "cause"]
  return keys.flatMap((key) => {
    try {
      return stringsOf((value as Record<string, unknown>)[key], depth + 1, seen)
    } catch {
      return []
    }
  })
}

/** Every rendering of `value` a user might log, and every string it carries. */
export const renderingsOf = (value: unknown): Array<string> => {
  const e = value as { cause?: unknown; stack?: string }
  let json = ""
  try {
    json = JSON.stringify(value) ?? ""
  } catch {
    json = ""
  }
  return [
    String(value),
    json,
    inspect(value, { depth: 10 }),
    inspect(e?.cause, { depth: 10 }),
    typeof e?.stack === "string" ? e.stack : "",
    Cause.pretty(Cause.fail(value)),
    ...stringsOf(value)
  ]
}

/** Every rendering of an error a user might log must be free of the bearer token. */
export const expectNoToken = (error: unknown) => {
  const renderings = renderingsOf(error)
  for (const rendering of renderings) expect(rendering).not.toContain(TOKEN)
  expect(renderings.join("")).not.toContain(TOKEN.slice(4, 20))
}

/** Runs `effect` to completion on the TestClock, letting every sleep of the policy elapse. */
export const settle = <A, E, R>(effect: Effect.Effect<A, E, R>, budget: Duration.DurationInput = "5 minutes") =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(Effect.exit(effect))
    yield* TestClock.adjust(budget)
    return yield* Fiber.join(fiber)
  })

/** The failure of an exit, which must be a failure. */
export const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got ${JSON.stringify(exit.value)}`)
  const failure = Cause.failureOption(exit.cause)
  if (failure._tag === "None") throw new Error(`expected a typed failure, got ${Cause.pretty(exit.cause)}`)
  return failure.value
}

/** Lets every runnable fiber run up to its next wait, without moving the clock. */
export const yieldAll = Effect.repeatN(Effect.yieldNow(), 50)

/** Advances the TestClock, then lets woken fibers run up to their next wait. */
export const advance = (millis: number) => Effect.zipRight(TestClock.adjust(millis), yieldAll)

/** A realistic "now" for the TestClock (whole seconds), so that epoch values in headers look like real ones. */
export const T0 = Date.UTC(2026, 10, 29, 12, 0, 0)
export const httpDate = (epochMs: number) => new Date(epochMs).toUTCString()

/**
 * The current clock (the TestClock in `it.effect`), counting the sleeps in progress: a timer a
 * component holds shows up here while it sleeps and goes when it ends or is interrupted. (The
 * TestClock's own `sleeps()` keeps an interrupted sleep listed until its instant passes.)
 */
export const countingClock = Effect.map(Effect.clock, (clock) => {
  let active = 0
  const counting: Clock.Clock = {
    [Clock.ClockTypeId]: Clock.ClockTypeId,
    unsafeCurrentTimeMillis: () => clock.unsafeCurrentTimeMillis(),
    unsafeCurrentTimeNanos: () => clock.unsafeCurrentTimeNanos(),
    currentTimeMillis: clock.currentTimeMillis,
    currentTimeNanos: clock.currentTimeNanos,
    sleep: (duration) =>
      Effect.suspend(() => {
        active++
        return Effect.ensuring(clock.sleep(duration), Effect.sync(() => active--))
      })
  }
  return { clock: counting, timers: () => active }
})
