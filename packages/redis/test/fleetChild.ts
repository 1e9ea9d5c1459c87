/**
 * One process of a fleet revoking with one token: `fleet.test.ts` and the fleet benchmark
 * (`bench/src/fleet.ts`) bundle this file with esbuild and fork it several times. It builds
 * `VercelAuth.layer` over undici with the gate in Redis (or in memory), says `ready`, revokes its ids
 * on `start`, and reports what happened, with the round trip of each permit's take + give.
 *
 * Protocol over IPC: argv[2] is the JSON `FleetChildConfig`; the child sends `{ type: "ready" }`,
 * waits for `{ type: "start" }`, then sends a `FleetChildReport` and exits.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { GateStore, TokenService, VercelAuth } from "@vercel-auth/core"
import { RedisGate } from "@vercel-auth/redis"
import { Effect, Layer, Logger, LogLevel } from "effect"
import { performance } from "node:perf_hooks"

export interface FleetChildConfig {
  readonly baseUrl: string
  readonly token: string
  readonly ids: ReadonlyArray<string>
  /** The Redis URL of the shared gate; without it the gate stays in this process's memory. */
  readonly redis?: string | undefined
  readonly prefix?: string | undefined
  readonly maxConcurrent: number
  /** The policy's `attemptTimeout`, in ms (the leases last it plus a second). */
  readonly attemptTimeoutMs?: number | undefined
  /** The gate's `commandTimeout`, in ms (default 250). */
  readonly commandTimeoutMs?: number | undefined
}

export interface FleetChildReport {
  readonly type: "done"
  readonly revoked: number
  readonly failures: ReadonlyArray<string>
  /** Milliseconds of take + give for each permit that went. */
  readonly gateMs: ReadonlyArray<number>
  /** How the store answered each `take`. */
  readonly takes: { readonly Go: number; readonly Hold: number; readonly Pending: number }
  readonly warnings: ReadonlyArray<string>
  readonly elapsedMs: number
}

/** Times each permit's take and give around the real store. */
const takes = { Go: 0, Hold: 0, Pending: 0 }

const timed = (make: GateStore.Make, samples: Array<number>): GateStore.Make => (credential) =>
  Effect.map(make(credential), (store): GateStore.GateStore => {
    const taken = new WeakMap<GateStore.Permit, number>()
    return {
      hold: store.hold,
      take: (bucket, now, options) =>
        Effect.suspend(() => {
          const start = performance.now()
          return Effect.tap(store.take(bucket, now, options), (take) => {
            takes[take._tag]++
            if (take._tag === "Go") taken.set(take.permit, performance.now() - start)
          })
        }),
      give: (permit, learned, now) =>
        Effect.suspend(() => {
          const start = performance.now()
          return Effect.ensuring(
            store.give(permit, learned, now),
            Effect.sync(() => {
              const takeMs = taken.get(permit)
              if (takeMs !== undefined) samples.push(takeMs + performance.now() - start)
            })
          )
        })
    }
  })

const config = JSON.parse(process.argv[2] ?? "{}") as FleetChildConfig
const samples: Array<number> = []
const warnings: Array<string> = []

const logger = Logger.make(({ logLevel, message }) => {
  if (LogLevel.greaterThanEqual(logLevel, LogLevel.Warning)) {
    warnings.push(Array.isArray(message) ? message.join(" ") : String(message))
  }
})

// The in-memory gate goes through the same seam, so that both fleets are timed alike.
const gate = timed(
  config.redis === undefined
    ? GateStore.memory
    : RedisGate.make({ redis: config.redis, prefix: config.prefix, commandTimeout: config.commandTimeoutMs }),
  samples
)

const layer = VercelAuth.layer({
  token: config.token,
  baseUrl: config.baseUrl,
  resilience: {
    maxConcurrent: config.maxConcurrent,
    ...(config.attemptTimeoutMs === undefined ? {} : { attemptTimeout: config.attemptTimeoutMs })
  },
  gate
}).pipe(Layer.provide(NodeHttpClient.layerUndici))

const waitForStart = Effect.async<void>((resume) => {
  const onMessage = (message: unknown) => {
    if ((message as { type?: string }).type === "start") resume(Effect.void)
  }
  process.on("message", onMessage)
  process.send?.({ type: "ready" })
  return Effect.sync(() => process.off("message", onMessage))
})

const program = Effect.scoped(Effect.gen(function*() {
  const context = yield* Layer.build(layer)
  const tokens = yield* Effect.provide(TokenService.TokenService, context)
  yield* waitForStart
  const start = performance.now()
  const failures: Array<string> = []
  let revoked = 0
  yield* Effect.forEach(config.ids, (id) =>
    tokens.delete(id).pipe(
      Effect.match({
        onFailure: (error) => {
          failures.push(`${id}: ${error._tag}: ${error.message}`)
        },
        onSuccess: () => {
          revoked++
        }
      })
    ), { concurrency: config.maxConcurrent, discard: true })
  const report: FleetChildReport = {
    type: "done",
    revoked,
    failures,
    gateMs: samples,
    takes,
    warnings,
    elapsedMs: performance.now() - start
  }
  return report
}))

program.pipe(
  Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
  Effect.runPromise
).then(
  (report) => process.send?.(report, () => process.exit(0)),
  (error: unknown) => {
    process.stderr.write(`fleet child failed: ${String(error)}\n`)
    process.exit(1)
  }
)
