/**
 * Helpers of the token-group tests (get, list, create, deleteMany, the SSO exchange): the core wired
 * over `MockHttpClient` for unit tests on the `TestClock` (every request recorded with its method,
 * URL, headers, JSON body and the instant it was sent), the core wired over the real undici
 * transport for end-to-end tests against `MockVercelServer`, Vercel-shaped bodies, and exhaustive
 * "this secret is nowhere" checks for errors, logs and spans.
 */
import { NodeHttpClient } from "@effect/platform-node"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import { expect } from "@effect/vitest"
import { IntegrationSso, type Resilience, TokenService, VercelAuth } from "@vercel-auth/core"
import { MockHttpClient, type MockVercelServer } from "@vercel-auth/testing"
import {
  Cause,
  Clock,
  type Duration,
  Effect,
  Exit,
  Fiber,
  Layer,
  Logger,
  LogLevel,
  Random,
  Stream,
  TestClock,
  Tracer
} from "effect"
import { inspect } from "node:util"
import { pick, renderingsOf } from "./support.js"

export const TOKEN = "vcp_TOKENGROUP_bearer_5a4b3c2d1e0f9876"
export const BASE_URL = "https://api.vercel.test"

/** A realistic "now" for the TestClock (whole seconds), so that epoch values look like real ones. */
export const T0 = Date.UTC(2026, 10, 29, 12, 0, 0)
export const httpDate = (epochMs: number) => new Date(epochMs).toUTCString()

// ---------------------------------------------------------------------------------------------------
// Bodies

/** An `AuthToken` as Vercel sends it: epoch milliseconds, every optional field absent unless given. */
export const wireToken = (id: string, fields: Record<string, unknown> = {}): Record<string, unknown> => {
  const createdAt = typeof fields.createdAt === "number" ? fields.createdAt : T0 - 86_400_000
  return {
    id,
    name: id,
    type: "oauth2-token",
    origin: "github",
    createdAt,
    activeAt: createdAt,
    scopes: [{ type: "user", origin: "github", createdAt }],
    ...fields
  }
}

/** A `GET /v6/user/tokens` page. */
export const wirePage = (tokens: ReadonlyArray<Record<string, unknown>>, next: string | number | null) => ({
  tokens,
  pagination: { count: tokens.length, next, prev: null }
})

export const json = (status: number, body: unknown, headers: Record<string, string> = {}): Response =>
  new Response(typeof body === "string" ? body : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", ...headers }
  })

/** Vercel's error body, with an `x-vercel-id`. */
export const vercelError = (
  status: number,
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {}
): Response =>
  json(status, { error: { code, message, ...extra } }, { "x-vercel-id": `fra1::req-${status}`, ...headers })

/** What a transport reports for a failed connection: an `Error` with a Node `code`. */
export const transportFailure = (code: string, message = `${code} (simulated)`): Error =>
  Object.assign(new Error(message), { code })

// ---------------------------------------------------------------------------------------------------
// Unit wiring: the core over MockHttpClient

export interface Seen {
  readonly method: string
  readonly url: URL
  readonly headers: Readonly<Record<string, string>>
  /** The JSON body sent, `undefined` when there is none. */
  readonly body: unknown
  /** The content type of the body sent, if any. */
  readonly contentType: string | undefined
  /** When it was sent, on the `Clock` (the `TestClock` in unit tests). */
  readonly at: number
  readonly signal: AbortSignal
}

export type UnitReply = Response | Effect.Effect<Response, unknown>
export type UnitHandler = (request: Seen, index: number) => UnitReply

const bodyOf = (request: HttpClientRequest.HttpClientRequest): { body: unknown; contentType: string | undefined } => {
  const body = request.body
  if (body._tag === "Uint8Array") {
    const text = new TextDecoder().decode(body.body)
    let parsed: unknown = text
    try {
      parsed = JSON.parse(text)
    } catch {
      // kept as text
    }
    return { body: parsed, contentType: body.contentType }
  }
  return { body: undefined, contentType: undefined }
}

/** The core (`VercelAuth.layer`) over a `MockHttpClient` answering from `handler`. */
export const unit = (handler: UnitHandler, resilience?: Partial<Resilience.ResiliencePolicy>) => {
  const seen: Array<Seen> = []
  const mock = MockHttpClient.make((request, url, signal) =>
    Effect.flatMap(Clock.currentTimeMillis, (at) => {
      const record: Seen = {
        method: request.method,
        url,
        headers: { ...request.headers },
        ...bodyOf(request),
        at,
        signal
      }
      seen.push(record)
      const reply = handler(record, seen.length - 1)
      return Effect.isEffect(reply) ? reply : Effect.succeed(reply)
    })
  )
  const layer = VercelAuth.layer({ token: TOKEN, baseUrl: BASE_URL, resilience }).pipe(
    Layer.provide(mock.layer),
    Layer.orDie
  )
  return { seen, layer }
}

/** Never answers: a hung request (interrupting the caller ends it). */
export const hang: Effect.Effect<Response> = Effect.never

/** Answers after `millis` on the `Clock`. */
export const after = (millis: number, reply: UnitReply): Effect.Effect<Response, unknown> =>
  Effect.zipRight(Effect.sleep(millis), Effect.isEffect(reply) ? reply : Effect.succeed(reply))

/** Fails the way a transport does when the connection failed. */
export const fail = (error: Error): Effect.Effect<Response, Error> => Effect.fail(error)

/**
 * Runs `effect` on the `TestClock` to completion, letting every sleep of the policy elapse, with a
 * fixed `Random` (0.5) so that the jitter of each backoff is known: `floor(0.5 · (cap + 1))`.
 */
export const settle = <A, E, R>(effect: Effect.Effect<A, E, R>, budget: Duration.DurationInput = "10 minutes") =>
  Effect.gen(function*() {
    const fiber = yield* Effect.fork(Effect.exit(effect.pipe(Effect.withRandom(Random.fixed([0.5])))))
    yield* TestClock.adjust(budget)
    return yield* Fiber.join(fiber)
  })

/** Lets every runnable fiber run, without moving the clock. */
export const yieldAll = Effect.repeatN(Effect.yieldNow(), 100)

// ---------------------------------------------------------------------------------------------------
// End-to-end wiring: the core over undici, against MockVercelServer

export const live = (
  server: MockVercelServer.Server,
  resilience: Partial<Resilience.ResiliencePolicy> = {},
  token: string = TOKEN
) =>
  VercelAuth.layer({ token, baseUrl: server.url, resilience: { baseDelay: 20, maxDelay: 100, ...resilience } }).pipe(
    Layer.provide(NodeHttpClient.layerUndici),
    Layer.orDie
  )

/** The core over undici at any base URL (a closed port, for refused connections). */
export const liveAt = (baseUrl: string, resilience: Partial<Resilience.ResiliencePolicy> = {}) =>
  VercelAuth.layer({ token: TOKEN, baseUrl, resilience: { baseDelay: 20, maxDelay: 100, ...resilience } }).pipe(
    Layer.provide(NodeHttpClient.layerUndici),
    Layer.orDie
  )

/** The query of a request the mock server recorded. */
export const queryOf = (request: MockVercelServer.RecordedRequest): URLSearchParams =>
  new URL(request.path, "http://x").searchParams

// ---------------------------------------------------------------------------------------------------
// The operations, through the tags

export const get = (tokenId: string) => Effect.flatMap(TokenService.TokenService, (tokens) => tokens.get(tokenId))
export const list = (options?: TokenService.ListOptions) =>
  Stream.unwrap(Effect.map(TokenService.TokenService, (tokens) => tokens.list(options)))
export const listAll = (options?: TokenService.ListOptions) =>
  Effect.map(Stream.runCollect(list(options)), (chunk) => Array.from(chunk))
export const create = (input: TokenService.CreateTokenInput) =>
  Effect.flatMap(TokenService.TokenService, (tokens) => tokens.create(input))
export const revoke = (tokenId: string, options?: TokenService.DeleteOptions) =>
  Effect.flatMap(TokenService.TokenService, (tokens) => tokens.delete(tokenId, options))
export const deleteMany = (tokenIds: Iterable<string>, options?: TokenService.DeleteOptions) =>
  Effect.flatMap(
    TokenService.TokenService,
    (tokens) => Effect.map(Stream.runCollect(tokens.deleteMany(tokenIds, options)), (chunk) => Array.from(chunk))
  )
export const exchange = (grant: IntegrationSso.SsoGrant) =>
  Effect.flatMap(IntegrationSso.IntegrationSso, (sso) => sso.exchange(grant))

// ---------------------------------------------------------------------------------------------------
// Errors

/** The typed failure of an exit, which must be one. */
export const failureOf = <A, E>(exit: Exit.Exit<A, E>): E => {
  if (Exit.isSuccess(exit)) throw new Error(`expected a failure, got the success ${inspect(exit.value)}`)
  const failure = Cause.failureOption(exit.cause)
  if (failure._tag === "None") throw new Error(`expected a typed failure, got ${Cause.pretty(exit.cause)}`)
  return failure.value
}

/** The success of an exit, which must be one. */
export const successOf = <A, E>(exit: Exit.Exit<A, E>): A => {
  if (Exit.isFailure(exit)) throw new Error(`expected a success, got ${Cause.pretty(exit.cause)}`)
  return exit.value
}

/** No rendering and no string field of `value` contains any of `secrets` (the bearer token always). */
export const expectNoSecret = (value: unknown, ...secrets: ReadonlyArray<string>) => {
  for (const secret of [TOKEN, ...secrets]) {
    const leaks = renderingsOf(value).filter((rendering) => rendering.includes(secret))
    expect(leaks, `a secret (${secret.slice(0, 8)}…) appears in ${leaks.length} renderings/fields`).toEqual([])
  }
}

// ---------------------------------------------------------------------------------------------------
// Logs and spans

/** A logger keeping every line (level, message, annotations), and the layer installing it at Debug. */
export const capturingLogs = () => {
  const lines: Array<string> = []
  const logger = Logger.make((options) => {
    lines.push(
      `${options.logLevel.label} ${inspect(options.message, { depth: 10 })} ${
        inspect(options.annotations, { depth: 10 })
      } ${inspect(options.cause, { depth: 10 })}`
    )
  })
  const withLogs = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    effect.pipe(
      Effect.provide(Logger.replace(Logger.defaultLogger, logger)),
      Logger.withMinimumLogLevel(LogLevel.Debug)
    )
  return { lines, withLogs }
}

/** The default tracer, remembering every span it made (as an application's tracer would). */
export const recordingTracer = Effect.map(Effect.tracer, (base) => {
  const spans: Array<Tracer.Span> = []
  const tracer = Tracer.make({
    span: (...args) => {
      const span = base.span(...args)
      spans.push(span)
      return span
    },
    context: (f, fiber) => base.context(f, fiber)
  })
  return { spans, tracer }
})

/** What a span holds: name, attributes, events, and how it ended (its exit). */
export const spanContents = (span: Tracer.Span): string => inspect(span, { depth: 12 })

export { pick, renderingsOf }
