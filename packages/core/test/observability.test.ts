import * as HttpClient from "@effect/platform/HttpClient"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Logger, LogLevel, Option, Random, Tracer } from "effect"
import { inspect } from "node:util"
import { harness, json, type Reply, scriptHandler, settle, TOKEN } from "./support.js"

interface RecordedSpan {
  readonly name: string
  readonly spanId: string
  readonly traceId: string
  readonly parent: Option.Option<{ readonly spanId: string }>
  readonly attributes: ReadonlyMap<string, unknown>
  readonly events: ReadonlyArray<readonly [string, bigint, Record<string, unknown>]>
}

/**
 * The wiring over a script whose handler also records the span current where the transport runs:
 * the attempt's own, when one was made.
 */
const observed = (replies: ReadonlyArray<Reply>) => {
  const seen: Array<Option.Option<Tracer.AnySpan>> = []
  const answer = scriptHandler(replies)
  const h = harness((request, url, signal) =>
    Effect.flatMap(Effect.option(Effect.currentSpan), (span) => {
      seen.push(span)
      return answer(request, url, signal) as Effect.Effect<Response, unknown>
    })
  )
  return { ...h, seen }
}

/** The default tracer, remembering every span it made. */
const recording = Effect.map(Effect.tracer, (base) => {
  const spans: Array<RecordedSpan> = []
  const tracer = Tracer.make({
    span: (...args) => {
      const span = base.span(...args)
      spans.push(span as unknown as RecordedSpan)
      return span
    },
    context: (f, fiber) => base.context(f, fiber)
  })
  return { spans, tracer }
})

describe("observability", () => {
  it.effect("a span per call with the token id and attempts, an HTTP span per attempt, a retry event", () =>
    Effect.gen(function*() {
      const { spans, tracer } = yield* recording
      const h = harness([json(503, {}, { "retry-after": "1" }), json(200, { tokenId: "tok_1" })])
      yield* settle(h.revoke("tok_1").pipe(Effect.provide(h.layer), Effect.withTracer(tracer)))
      const call = spans.find((span) => span.name === "TokenService.delete")!
      expect(call.attributes.get("vercel.token_id")).toBe("tok_1")
      expect(call.attributes.get("vercel.attempts")).toBe(2)
      const retry = call.events.find(([name]) => name === "retry")!
      expect(retry[2]).toMatchObject({
        "retry.attempt": 1,
        "retry.reason": "ServerError",
        "retry.status": 503,
        "retry.hint_source": "retry-after",
        "retry.hint_ms": 1000
      })
      expect(spans.filter((span) => span.name.startsWith("http.client"))).toHaveLength(2)
      expect(inspect(spans, { depth: 8 })).not.toContain(TOKEN)
    }))

  it.effect("every retry decision is logged at debug level, without the token", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const logger = Logger.make((options) => {
        lines.push(`${options.logLevel.label} ${inspect(options.message)} ${inspect(options.annotations)}`)
      })
      const h = harness([json(429, {}, { "retry-after": "2" }), json(503, {}), json(200, { tokenId: "tok_1" })])
      yield* settle(
        h.revoke("tok_1").pipe(
          Effect.provide(h.layer),
          Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
          Logger.withMinimumLogLevel(LogLevel.Debug),
          Effect.withRandom(Random.fixed([0.5]))
        )
      )
      const retries = lines.filter((line) => line.includes("retrying"))
      expect(retries).toHaveLength(2)
      expect(retries[0]).toMatch(/DEBUG/)
      expect(retries[0]).toMatch(/retry\.hint_source.*retry-after/s)
      expect(retries[0]).toMatch(/retry\.delay_ms.*2125/s)
      expect(retries[1]).toMatch(/retry\.reason.*ServerError/s)
      expect(lines.join("\n")).not.toContain(TOKEN)
    }))

  it.effect("gives up with a debug line saying why", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const logger = Logger.make((options) => void lines.push(inspect(options.message)))
      const h = harness([json(429, {}, { "retry-after": "600" })])
      yield* settle(
        h.revoke("tok_1").pipe(
          Effect.provide(Layer.merge(h.layer, Logger.replace(Logger.defaultLogger, logger))),
          Logger.withMinimumLogLevel(LogLevel.Debug)
        )
      )
      expect(lines.join("\n")).toContain("server hint exceeds maxServerWait")
    }))

  it.effect("makes no span at all when the application installed no tracer (the built-in one)", () =>
    Effect.gen(function*() {
      const h = observed([json(503, {}), json(200, { tokenId: "tok_1" })])
      yield* settle(h.revoke("tok_1").pipe(Effect.provide(h.layer), Effect.withRandom(Random.fixed([0]))))
      expect(h.requests).toHaveLength(2)
      // No span around either attempt (nor the call), so nothing to propagate either.
      expect(h.seen.map(Option.isNone)).toEqual([true, true])
      expect(h.requests.map(({ headers }) => [headers["traceparent"], headers["b3"]])).toEqual([
        [undefined, undefined],
        [undefined, undefined]
      ])
    }))

  it.effect("makes no span when tracing is disabled, even with a tracer installed", () =>
    Effect.gen(function*() {
      const { spans, tracer } = yield* recording
      const h = observed([json(200, { tokenId: "tok_1" })])
      yield* h.revoke("tok_1").pipe(Effect.provide(h.layer), Effect.withTracer(tracer), Effect.withTracerEnabled(false))
      expect(spans).toEqual([])
      expect(h.requests[0]!.headers["traceparent"]).toBeUndefined()
    }))

  it.effect("with a tracer: each attempt runs in its own span under the call's, and sends it as traceparent", () =>
    Effect.gen(function*() {
      const { spans, tracer } = yield* recording
      const h = observed([json(503, {}), json(200, { tokenId: "tok_1" })])
      yield* settle(
        h.revoke("tok_1").pipe(
          Effect.provide(h.layer),
          Effect.withTracer(tracer),
          Effect.withRandom(Random.fixed([0]))
        )
      )
      const call = spans.find((span) => span.name === "TokenService.delete")!
      const attempts = spans.filter((span) => span.name === "http.client DELETE")
      expect(attempts).toHaveLength(2)
      for (const attempt of attempts) {
        expect(attempt.traceId).toBe(call.traceId)
        expect(Option.map(attempt.parent, (parent) => parent.spanId)).toEqual(Option.some(call.spanId))
        expect(attempt.attributes.get("http.request.method")).toBe("DELETE")
      }
      expect(attempts.map((span) => span.attributes.get("http.response.status_code"))).toEqual([503, 200])
      // Each request carried its attempt's span, for the server side to join the trace.
      expect(h.requests.map(({ headers }) => headers["traceparent"])).toEqual(
        attempts.map((span) => `00-${span.traceId}-${span.spanId}-01`)
      )
      expect(h.requests.map(({ headers }) => headers["b3"])).toEqual(
        attempts.map((span) => `${span.traceId}-${span.spanId}-1-${call.spanId}`)
      )
    }))

  it.effect("with a tracer but propagation turned off, like the platform's client: spans, but no trace headers", () =>
    Effect.gen(function*() {
      const { spans, tracer } = yield* recording
      const h = observed([json(200, { tokenId: "tok_1" })])
      yield* h.revoke("tok_1").pipe(
        Effect.provide(h.layer),
        Effect.withTracer(tracer),
        Effect.locally(HttpClient.currentTracerPropagation, false)
      )
      expect(spans.map((span) => span.name)).toEqual(["TokenService.delete", "http.client DELETE"])
      expect([h.requests[0]!.headers["traceparent"], h.requests[0]!.headers["b3"]]).toEqual([undefined, undefined])
    }))

  // Like the platform's client (`Effect.withParentSpan(span)` around the request): a transport's own
  // spans and logs belong to the attempt. (`Effect.useSpan` alone made the span without making it current.)
  it.effect("with a tracer: the transport runs inside the attempt's span, as under the platform's client", () =>
    Effect.gen(function*() {
      const { spans, tracer } = yield* recording
      const h = observed([json(503, {}), json(200, { tokenId: "tok_1" })])
      yield* settle(
        h.revoke("tok_1").pipe(Effect.provide(h.layer), Effect.withTracer(tracer), Effect.withRandom(Random.fixed([0])))
      )
      const attempts = spans.filter((span) => span.name === "http.client DELETE")
      expect(h.seen.map((span) => Option.map(span, ({ spanId }) => spanId))).toEqual(
        attempts.map((span) => Option.some(span.spanId))
      )
    }))
})
