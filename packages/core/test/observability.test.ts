import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Logger, LogLevel, Random, Tracer } from "effect"
import { inspect } from "node:util"
import { harness, json, settle, TOKEN } from "./support.js"

interface RecordedSpan {
  readonly name: string
  readonly attributes: ReadonlyMap<string, unknown>
  readonly events: ReadonlyArray<readonly [string, bigint, Record<string, unknown>]>
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
})
