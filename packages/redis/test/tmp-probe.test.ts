import { it } from "@effect/vitest"
import { RedisGate } from "@vercel-auth/redis"
import { Effect } from "effect"
import { performance } from "node:perf_hooks"
import { startRedis } from "./redisServer.js"

it.scopedLive("probe", () => Effect.gen(function*() {
  const redis = yield* Effect.acquireRelease(Effect.promise(() => startRedis()), (r) => Effect.promise(r.stop))
  const store = yield* RedisGate.make({ redis: redis.url, prefix: "p:" })({ fingerprint: "f" })
  const opts = { earlyProbe: true, leaseMs: 5000 }
  const p = yield* store.take("delete", Date.now(), opts)
  if (p._tag === "Go") yield* store.give(p.permit, { answered: true }, Date.now())
  redis.pause()
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now()
    const t = yield* store.take("delete", Date.now(), opts)
    const t1 = performance.now()
    if (t._tag === "Go") yield* store.give(t.permit, { answered: true }, Date.now())
    console.log(i, t._tag, (t1 - t0).toFixed(0), (performance.now() - t1).toFixed(0))
  }
  redis.resume()
}), 20000)
