/**
 * The scenario, small: several Node processes revoke with one token against a rate-limited
 * `MockVercelServer`, over undici. With the gate in Redis the fleet draws what one client draws (at
 * most the one expected 429 of each window's early probe, none in the first); with a gate per process
 * it bursts into 429s.
 */
import { afterAll, beforeAll, expect, it } from "@effect/vitest"
import { MockVercelServer } from "@vercel-auth/testing"
import { type Bundle, bundleChild, runFleet, windowsOpened } from "./fleet.js"
import { describeRedis, type RedisServer, startRedis } from "./redisServer.js"

const bearer = "vcp_FLEET_secret_0123456789abcdef"
const processes = 4
const perProcess = 8
const rateLimit = { limit: 8, windowMs: 1_000 }

const runAgainstServer = async (redis: string | undefined) => {
  const ids = Array.from({ length: processes * perProcess }, (_, i) => `tok_fleet_${i}`)
  const server = await MockVercelServer.start({ tokens: { [bearer]: ids }, rateLimit })
  try {
    const fleet = await runFleet({
      bundle,
      processes,
      baseUrl: server.url,
      token: bearer,
      ids,
      redis,
      prefix: `fleet-test-${Date.now()}:`,
      maxConcurrent: 8,
      // What is checked here is sharing, not fault handling (faults.test.ts): a generous bound keeps a
      // busy machine's stalled event loop from sending a process to its fallback mid-test.
      commandTimeoutMs: 1_000,
      timeoutMs: 40_000
    })
    return {
      fleet,
      ids,
      deleted: server.deleted(),
      tooMany: server.count(429),
      windows: windowsOpened(server.requests.map((r) => r.at), rateLimit.windowMs)
    }
  } finally {
    await server.close()
  }
}

let bundle: Bundle
let redis: RedisServer

describeRedis("a fleet of processes on one token", () => {
  beforeAll(async () => {
    ;[bundle, redis] = await Promise.all([bundleChild(), startRedis()])
  }, 30_000)
  afterAll(async () => {
    bundle?.dispose()
    await redis?.stop()
  })

  it(
    "shares one gate through Redis: every revocation succeeds, with at most one 429 per window after the first, and fewer than a gate per process draws",
    async () => {
      const shared = await runAgainstServer(redis.url)
      const failures = shared.fleet.reports.flatMap((r) => r.failures)
      expect(failures).toEqual([])
      expect(shared.fleet.reports.reduce((n, r) => n + r.revoked, 0)).toBe(shared.ids.length)
      expect([...shared.deleted].sort()).toEqual([...shared.ids].sort())
      expect(shared.fleet.reports.flatMap((r) => r.warnings)).toEqual([])
      expect(shared.tooMany).toBeLessThanOrEqual(Math.max(0, shared.windows - 1))

      const separate = await runAgainstServer(undefined)
      expect(separate.tooMany).toBeGreaterThan(shared.tooMany)
      process.stdout.write(
        `fleet of ${processes}: Redis gate ${shared.tooMany} × 429 over ${shared.windows} windows in ` +
          `${(shared.fleet.elapsedMs / 1000).toFixed(1)} s; a gate per process ${separate.tooMany} × 429 in ` +
          `${(separate.fleet.elapsedMs / 1000).toFixed(1)} s\n`
      )
    },
    90_000
  )
})
