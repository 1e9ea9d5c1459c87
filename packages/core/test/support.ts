/**
 * A scripted stand-in for the transport, for unit tests of the core: each request takes the next
 * reply of the script (the last one repeats), and everything sent is recorded.
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { expect } from "@effect/vitest"
import { type Resilience, TokenService, VercelAuth } from "@vercel-auth/core"
import type { Duration } from "effect"
import { Cause, Effect, Exit, Fiber, Layer, TestClock } from "effect"
import { inspect } from "node:util"

export const TOKEN = "vcp_SECRET_bearer_0123456789abcdef"
export const BASE_URL = "https://api.vercel.test"

export type Reply =
  | Response
  | { readonly transport: string; readonly message?: string }
  | "hang"
  | { readonly delay: Duration.DurationInput; readonly then: Reply }
  | ((request: Sent) => Reply)

export interface Sent {
  readonly method: string
  readonly url: URL
  readonly headers: Record<string, string>
  readonly signal: AbortSignal
}

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(typeof body === "string" ? body : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers }
  })

export const vercelError = (status: number, code: string, message: string, extra: object = {}) =>
  json(status, { error: { code, message, ...extra } }, { "x-vercel-id": `fra1::${code}-${status}` })

const answer = (reply: Reply, request: HttpClientRequest.HttpClientRequest, sent: Sent): Effect.Effect<
  HttpClientResponse.HttpClientResponse,
  HttpClientError.HttpClientError
> => {
  if (typeof reply === "function") return answer(reply(sent), request, sent)
  if (reply === "hang") return Effect.never
  if (reply instanceof Response) return Effect.succeed(HttpClientResponse.fromWeb(request, reply.clone()))
  if ("delay" in reply) return Effect.zipRight(Effect.sleep(reply.delay), answer(reply.then, request, sent))
  return Effect.fail(
    new HttpClientError.RequestError({
      request,
      reason: "Transport",
      cause: Object.assign(new Error(reply.message ?? `${reply.transport} (simulated)`), { code: reply.transport })
    })
  )
}

export const scripted = (replies: ReadonlyArray<Reply>) => {
  const sent: Array<Sent> = []
  let next = 0
  const client = HttpClient.make((request, url, signal) =>
    Effect.suspend(() => {
      const record: Sent = { method: request.method, url, headers: { ...request.headers }, signal }
      sent.push(record)
      const reply = replies[Math.min(next++, replies.length - 1)]!
      return answer(reply, request, record)
    })
  )
  return { sent, transport: Layer.succeed(HttpClient.HttpClient, client) }
}

/** The whole core wiring over a scripted transport. */
export const harness = (
  replies: ReadonlyArray<Reply>,
  resilience?: Partial<Resilience.ResiliencePolicy>,
  options: { readonly userAgent?: string } = {}
) => {
  const { sent, transport } = scripted(replies)
  const layer = VercelAuth.layer({ token: TOKEN, baseUrl: BASE_URL, resilience, ...options }).pipe(
    Layer.provide(transport),
    Layer.orDie
  )
  const revoke = (tokenId: string, opts?: TokenService.DeleteOptions) =>
    Effect.flatMap(TokenService.TokenService, (service) => service.delete(tokenId, opts))
  return { sent, layer, revoke }
}

/** Every rendering of an error a user might log must be free of the bearer token. */
export const expectNoToken = (error: unknown) => {
  const e = error as { cause?: unknown; stack?: string }
  const renderings = [
    String(error),
    JSON.stringify(error),
    inspect(error, { depth: 10 }),
    inspect(e.cause, { depth: 10 }),
    e.stack ?? "",
    Cause.pretty(Cause.fail(error))
  ]
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

/** Advances the TestClock, then lets woken fibers run up to their next wait. */
export const advance = (millis: number) =>
  Effect.zipRight(TestClock.adjust(millis), Effect.repeatN(Effect.yieldNow(), 50))

/** A realistic "now" for the TestClock, so that epoch values in headers look like real ones. */
export const T0 = Date.UTC(2026, 10, 29, 12, 0, 0)
export const httpDate = (epochMs: number) => new Date(epochMs).toUTCString()
