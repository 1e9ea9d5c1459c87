/**
 * The clients under test, each reduced to one revocation that resolves only on a verified success
 * (status 200 and the `tokenId` echoed back) and rejects otherwise. Every contender keeps one client
 * (and so one connection pool) for its whole life, as an application would.
 */
import { createVercelAuth } from "@vercel-auth/adapter"
import type { ResiliencePolicy } from "@vercel-auth/core/Resilience"
import { VercelCore } from "@vercel/sdk/core.js"
import { authenticationDeleteAuthToken } from "@vercel/sdk/funcs/authenticationDeleteAuthToken.js"
import type { RetryConfig } from "@vercel/sdk/lib/retries.js"
import * as Effect from "effect/Effect"
import { Agent, request } from "undici"

export interface Contender {
  readonly key: string
  readonly label: string
  readonly call: (tokenId: string) => Promise<void>
  readonly close: () => Promise<void>
}

export interface Target {
  readonly baseUrl: string
  readonly token: string
}

const userAgent = "vercel-auth-bench"
const path = (tokenId: string) => `/v3/user/tokens/${encodeURIComponent(tokenId)}`

const mismatch = (tokenId: string, what: string): Error => new Error(`bench: revoking ${tokenId} failed: ${what}`)

/** Our Promise API: `createVercelAuth(...).tokens.delete`. */
export const ourPromise = (
  target: Target,
  resilience?: Partial<ResiliencePolicy>,
  label = "vercel-auth, Promise API"
): Contender => {
  const vercel = createVercelAuth({
    token: target.token,
    baseUrl: target.baseUrl,
    userAgent,
    ...(resilience === undefined ? {} : { resilience })
  })
  return {
    key: resilience === undefined ? "promise" : "promise-tuned",
    label,
    call: async (tokenId) => {
      const deleted = await vercel.tokens.delete(tokenId)
      if (deleted.tokenId !== tokenId) throw mismatch(tokenId, `got ${deleted.tokenId}`)
    },
    close: () => vercel.dispose()
  }
}

/** Our Effect API, each call run with `Effect.runPromise` on the default runtime. */
export const ourEffect = (target: Target): Contender => {
  const vercel = createVercelAuth({ token: target.token, baseUrl: target.baseUrl, userAgent })
  return {
    key: "effect",
    label: "vercel-auth, Effect API (`Effect.runPromise` per call)",
    call: async (tokenId) => {
      const deleted = await Effect.runPromise(vercel.effect.tokens.delete(tokenId))
      if (deleted.tokenId !== tokenId) throw mismatch(tokenId, `got ${deleted.tokenId}`)
    },
    close: () => vercel.dispose()
  }
}

/** (a) `undici.request` by hand, with its own `Agent` as `@effect/platform-node` uses one. */
export const handUndici = (target: Target): Contender => {
  const agent = new Agent()
  const headers = {
    authorization: `Bearer ${target.token}`,
    accept: "application/json",
    "user-agent": userAgent
  }
  return {
    key: "undici",
    label: "(a) `undici.request` by hand",
    call: async (tokenId) => {
      const { body, statusCode } = await request(`${target.baseUrl}${path(tokenId)}`, {
        method: "DELETE",
        headers,
        dispatcher: agent
      })
      const json = (await body.json()) as { readonly tokenId?: unknown }
      if (statusCode !== 200 || json.tokenId !== tokenId) throw mismatch(tokenId, `status ${statusCode}`)
    },
    close: () => agent.close()
  }
}

/** (b) a hand-written global `fetch` loop: the baseline every ratio is taken against. */
export const handFetch = (target: Target): Contender => {
  const headers = {
    authorization: `Bearer ${target.token}`,
    accept: "application/json",
    "user-agent": userAgent
  }
  return {
    key: "fetch",
    label: "(b) global `fetch` by hand",
    call: async (tokenId) => {
      const response = await fetch(`${target.baseUrl}${path(tokenId)}`, { method: "DELETE", headers })
      const json = (await response.json()) as { readonly tokenId?: unknown }
      if (response.status !== 200 || json.tokenId !== tokenId) throw mismatch(tokenId, `status ${response.status}`)
    },
    close: () => Promise.resolve()
  }
}

/** The backoff `@vercel/sdk` gets in the rate-limit run: its own defaults, with the elapsed time capped. */
export const sdkBackoff: RetryConfig = {
  strategy: "backoff",
  backoff: { initialInterval: 500, maxInterval: 60_000, exponent: 1.5, maxElapsedTime: 60_000 },
  retryConnectionErrors: true
}

/** (c) `@vercel/sdk`'s standalone `authenticationDeleteAuthToken` (retries off, its default). */
export const vercelSdk = (target: Target, retryConfig?: RetryConfig): Contender => {
  const core = new VercelCore({
    bearerToken: target.token,
    serverURL: target.baseUrl,
    userAgent,
    ...(retryConfig === undefined ? {} : { retryConfig })
  })
  return {
    key: "sdk",
    label: "(c) `@vercel/sdk` `authenticationDeleteAuthToken`",
    call: async (tokenId) => {
      const result = await authenticationDeleteAuthToken(core, { tokenId })
      if (!result.ok) throw mismatch(tokenId, String(result.error))
      if (result.value.tokenId !== tokenId) throw mismatch(tokenId, `got ${result.value.tokenId}`)
    },
    close: () => Promise.resolve()
  }
}
