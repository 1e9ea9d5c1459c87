/**
 * The examples of docs/transport.md, run against MockVercelServer by packages/adapter/test/docs.test.ts.
 */
// --- transport: imports
import { FetchHttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import { UndiciHttpClient } from "@vercel-auth/adapter"
import { VercelAuth } from "@vercel-auth/core"
import { Layer } from "effect"
// --- end

// --- transport: undici
// What VercelAuthNode.layer wires: core's layers over the adapter's transport, one socket per request in flight.
export const overUndici = (token: string, baseUrl?: string) =>
  VercelAuth.layer({ token, baseUrl, resilience: { maxConcurrent: 4 } }).pipe(
    Layer.provide(UndiciHttpClient.layer({ connections: 4 }))
  )
// --- end

// --- transport: fetch
// Any HttpClient works, here fetch from @effect/platform: the engine then keeps each attempt's deadline
// and body limit itself, and asks fetch not to follow redirects.
export const overFetch = (token: string, baseUrl?: string) =>
  VercelAuth.layer({ token, baseUrl }).pipe(Layer.provide(FetchHttpClient.layer))
// --- end

// --- transport: platform-node
// The undici client of @effect/platform-node, which you install yourself (npm also installs its peers
// @effect/cluster, @effect/rpc and @effect/sql).
export const overPlatformNode = (token: string, baseUrl?: string) =>
  VercelAuth.layer({ token, baseUrl }).pipe(Layer.provide(NodeHttpClient.layerUndici))
// --- end
