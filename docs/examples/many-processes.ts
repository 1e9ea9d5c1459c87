/**
 * The examples of docs/many-processes.md, run against MockVercelServer and a real redis-server by
 * packages/redis/test/docs.test.ts, which also checks that every code block of the page is here.
 */
// --- many-processes: imports
import { NodeHttpClient } from "@effect/platform-node"
import { createVercelAuth } from "@vercel-auth/adapter"
import { TokenService, VercelAuth } from "@vercel-auth/core"
import { RedisGate } from "@vercel-auth/redis"
import { Effect, Layer } from "effect"
// --- end

// --- many-processes: layer
// Every process that revokes with this token takes its permits from one gate in Redis.
export const vercelLayer = (token: string, redisUrl: string, baseUrl?: string) =>
  VercelAuth.layer({ token, baseUrl, gate: RedisGate.make({ redis: redisUrl }) }).pipe(
    Layer.provide(NodeHttpClient.layerUndici)
  )

export const revokeAll = (tokenIds: ReadonlyArray<string>) =>
  Effect.flatMap(
    TokenService.TokenService,
    (tokens) => Effect.forEach(tokenIds, (tokenId) => tokens.delete(tokenId), { concurrency: 8 })
  )
// --- end

// --- many-processes: promise
// With the Promise API, the same option.
export const promiseClient = (token: string, redisUrl: string, baseUrl?: string) =>
  createVercelAuth({ token, baseUrl, gate: RedisGate.make({ redis: redisUrl }) })
// --- end

// --- many-processes: options
export const gate = (password: string | undefined) =>
  RedisGate.make({
    // A URL, or ioredis options (host, port, password, tls, db …).
    redis: { host: "redis.internal", port: 6379, password, tls: {} },
    // Before every key, to share a Redis with other applications.
    prefix: "incident-bot:gate:",
    // The longest a call waits on Redis before it goes on with its process's own gate.
    commandTimeout: "250 millis"
  })
// --- end

// --- many-processes: client
// A client of yours is used as it is and never closed by the gate. Create it with the gate's fault
// settings: new Redis(url, { ...yourOptions, ...RedisGate.clientOptions() })
export const gateOn = (client: NonNullable<RedisGate.Options["client"]>) => RedisGate.make({ client })
// --- end

// --- many-processes: resilience
// Only the Resilience layer (it needs a VercelConfig), for an application that wires its services itself.
export const resilience = (redisUrl: string) => RedisGate.layer({ maxConcurrent: 4 }, { redis: redisUrl })
// --- end
