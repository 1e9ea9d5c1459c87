/**
 * The clients under test, each reduced to one revocation that resolves only on a verified success
 * (status 200 and the `tokenId` echoed back) and rejects otherwise. Every contender keeps one client
 * (and so one connection pool) for its whole life, as an application would.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { createVercelAuth } from "@vercel-auth/adapter"
import type { ResiliencePolicy } from "@vercel-auth/core/Resilience"
import { VercelCore } from "@vercel/sdk/core.js"
import { authenticationDeleteAuthToken } from "@vercel/sdk/funcs/authenticationDeleteAuthToken.js"
import type { RetryConfig } from "@vercel/sdk/lib/retries.js"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import * as Tracer from "effect/Tracer"
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

/**
 * An application's tracer that keeps its spans in memory (as one batching them for an exporter
 * would): `Tracer.make` around Effect's built-in tracer, every span it makes pushed to `spans`. Being
 * another tracer than the built-in one, it makes our client trace its calls.
 */
export interface RecordingTracer {
  readonly tracer: Tracer.Tracer
  readonly spans: Array<Tracer.Span>
}

export const recordingTracer = (): RecordingTracer => {
  const builtIn = Effect.runSync(Effect.tracer)
  const spans: Array<Tracer.Span> = []
  const tracer = Tracer.make({
    span: (name, parent, context, links, startTime, kind, options) => {
      const span = builtIn.span(name, parent, context, links, startTime, kind, options)
      spans.push(span)
      return span
    },
    context: (f, fiber) => builtIn.context(f, fiber)
  })
  return { tracer, spans }
}

/**
 * Our Effect API with a recording tracer installed by `Effect.withTracer` around each call:
 * `createVercelAuth` has no tracer option, so the Promise API cannot be given one.
 */
export const ourEffectTraced = (target: Target, recorder: RecordingTracer): Contender => {
  const vercel = createVercelAuth({ token: target.token, baseUrl: target.baseUrl, userAgent })
  return {
    key: "effect-traced",
    label: "vercel-auth, Effect API, recording tracer (`Effect.withTracer`)",
    call: async (tokenId) => {
      const deleted = await Effect.runPromise(Effect.withTracer(vercel.effect.tokens.delete(tokenId), recorder.tracer))
      if (deleted.tokenId !== tokenId) throw mismatch(tokenId, `got ${deleted.tokenId}`)
    },
    close: () => vercel.dispose()
  }
}

/**
 * Reference: `@effect/platform`'s `HttpClient` over `NodeHttpClient.layerUndici` with the platform's
 * span per request turned off (`HttpClient.withTracerDisabledWhen`), a plain `DELETE` and a JSON
 * decode per call, no policy at all; each call run with `Effect.runPromise`, as our Effect API is.
 */
export const bareEffectHttp = (target: Target): Contender => {
  const scope = Effect.runSync(Scope.make())
  const platform = Effect.runSync(
    Layer.buildWithScope(NodeHttpClient.layerUndici, scope).pipe(
      Effect.map((context) => context.unsafeMap.get(HttpClient.HttpClient.key) as HttpClient.HttpClient)
    )
  )
  const client = HttpClient.withTracerDisabledWhen(platform, () => true)
  const headers = {
    authorization: `Bearer ${target.token}`,
    accept: "application/json",
    "user-agent": userAgent
  }
  return {
    key: "bare-http",
    label: "(ref) bare Effect `HttpClient` + `NodeHttpClient.layerUndici`, platform tracer off",
    call: async (tokenId) => {
      const { json, status } = await Effect.runPromise(
        Effect.flatMap(
          client.execute(HttpClientRequest.del(`${target.baseUrl}${path(tokenId)}`, { headers })),
          (response) =>
            Effect.map(response.json, (json) => ({ json: json as { tokenId?: unknown }, status: response.status }))
        )
      )
      if (status !== 200 || json.tokenId !== tokenId) throw mismatch(tokenId, `status ${status}`)
    },
    close: () => Effect.runPromise(Scope.close(scope, Exit.void))
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
