/**
 * docs/many-processes.md: every ts block is copied verbatim from docs/examples/many-processes.ts (and
 * every example section is shown), and the examples work against MockVercelServer and a real Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { VercelConfig } from "@vercel-auth/core"
import { MockVercelServer } from "@vercel-auth/testing"
import { Effect, Layer } from "effect"
import { Redis } from "ioredis"
import { readFileSync } from "node:fs"
import * as Example from "../../../docs/examples/many-processes.js"
import { describeRedis, type RedisServer, startRedis } from "./redisServer.js"

const read = (path: string) => readFileSync(new URL(`../../../docs/${path}`, import.meta.url), "utf8")
const codeBlocks = (markdown: string) => [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!)
const sections = (example: string) =>
  [...example.matchAll(/\/\/ --- [\w-]+: ([\w-]+)\n([\s\S]*?)\/\/ --- end\n/g)].map((match) => match[2]!)

const TOKEN = "vcp_DOCS_secret_0123456789abcdef"

describe("docs/many-processes.md", () => {
  it("shows code blocks copied verbatim from its example, and all of them", () => {
    const blocks = codeBlocks(read("many-processes.md"))
    const example = read("examples/many-processes.ts")
    expect(blocks.length).toBeGreaterThanOrEqual(4)
    for (const block of blocks) expect(example, `not in docs/examples/many-processes.ts:\n${block}`).toContain(block)
    for (const section of sections(example)) expect(blocks, "not shown in docs/many-processes.md").toContain(section)
  })
})

describeRedis("docs/examples/many-processes.ts", () => {
  let redis: RedisServer
  beforeAll(async () => {
    redis = await startRedis()
  }, 20_000)
  afterAll(async () => {
    await redis?.stop()
  })

  it.scopedLive("vercelLayer and revokeAll revoke through a gate in Redis, keyed by the token's fingerprint", () =>
    Effect.gen(function*() {
      const ids = ["tok_1", "tok_2", "tok_3"]
      const server = yield* Effect.acquireRelease(
        Effect.promise(() => MockVercelServer.start({ tokens: { [TOKEN]: ids } })),
        (s) => Effect.promise(s.close)
      )
      const revoked = yield* Example.revokeAll(ids).pipe(
        Effect.provide(Example.vercelLayer(TOKEN, redis.url, server.url))
      )
      expect(revoked.map((r) => r.tokenId)).toEqual(ids)
      const admin = new Redis(redis.url)
      const keys = yield* Effect.promise(() => admin.keys("vercel-auth:gate:*"))
      yield* Effect.promise(() => admin.quit())
      expect(keys.length).toBeGreaterThan(0)
      for (const key of keys) {
        expect(key).toMatch(/^vercel-auth:gate:\{[0-9a-f]{32}:delete\}(:leases)?$/)
        expect(key).not.toContain(TOKEN)
      }
    }))

  it("promiseClient revokes through the gate in Redis", async () => {
    const server = await MockVercelServer.start({ tokens: { [TOKEN]: ["tok_p"] } })
    const vercel = Example.promiseClient(TOKEN, redis.url, server.url)
    try {
      expect(await vercel.tokens.delete("tok_p")).toMatchObject({ tokenId: "tok_p" })
    } finally {
      await vercel.dispose()
      await server.close()
    }
  })

  it("gate and gateOn build stores without connecting", () => {
    expect(typeof Example.gate(undefined)).toBe("function")
    const client = new Redis(redis.url, { lazyConnect: true })
    expect(typeof Example.gateOn(client)).toBe("function")
    client.disconnect()
  })

  it.scopedLive("resilience builds Resilience with its gate in Redis", () =>
    Effect.gen(function*() {
      const context = yield* Layer.build(
        Example.resilience(redis.url).pipe(Layer.provide(VercelConfig.layer({ token: TOKEN })))
      )
      expect(context).toBeDefined()
    }))
})
