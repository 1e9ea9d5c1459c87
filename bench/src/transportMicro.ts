/**
 * The transport alone, per call: sequential `DELETE`s against the fast server (in a child process) on
 * loopback, each response read as JSON, through
 * - `undici` by hand (`Pool.request` + `body.json()`), the floor;
 * - the adapter's `UndiciHttpClient`, without limits and with core's `currentAttemptLimits` set (one
 *   deadline timer and a bounded read per call, as the engine runs it);
 * - `@effect/platform-node`'s `NodeHttpClient.layerUndici`, with its span per call and without.
 * Effect contenders run their calls in one fiber, so the numbers are the transport's, not the runtime's
 * start-up per `runPromise`. Runs rotate their order. Also: splitting a request's URL against `new URL`.
 *
 * Not part of `pnpm bench`: `npx tsc -b bench && node bench/dist/transportMicro.js [calls] [runs]`.
 */
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as UrlParams from "@effect/platform/UrlParams"
import * as UndiciHttpClient from "@vercel-auth/adapter/UndiciHttpClient"
import { currentAttemptLimits } from "@vercel-auth/core/AttemptLimits"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import { performance } from "node:perf_hooks"
import { Pool } from "undici"
import { target } from "../../packages/adapter/dist/internal/undiciRequest.js"
import { startFastServer } from "./childProcess.js"
import { median, min } from "./stats.js"

const calls = Number(process.argv[2] ?? 2_000)
const runs = Number(process.argv[3] ?? 7)
const warmup = 500

const headers = { authorization: "Bearer bench", accept: "application/json", "user-agent": "vercel-auth-bench" }
let serial = 0
const nextPath = () => `/v3/user/tokens/tok_${(++serial).toString(36)}`

interface Contender {
  readonly label: string
  /** Runs `n` calls one after another; resolves with the time they took, in ms. */
  readonly run: (n: number) => Promise<number>
}

const check = (status: number, body: unknown) => {
  if (status !== 200 || typeof (body as { tokenId?: unknown }).tokenId !== "string") {
    throw new Error(`bench: unexpected answer ${status}`)
  }
}

const byHand = (pool: Pool): Contender => ({
  label: "undici `Pool.request` by hand",
  run: async (n) => {
    const start = performance.now()
    for (let i = 0; i < n; i++) {
      const { statusCode, body } = await pool.request({ path: nextPath(), method: "DELETE", headers })
      check(statusCode, await body.json())
    }
    return performance.now() - start
  }
})

const limits = Effect.map(Clock.currentTimeMillis, (now) => ({
  deadlineAt: now + 10_000,
  deadlineIsCall: false,
  maxSuccessBytes: 64 * 1024,
  maxErrorBytes: 4096
}))

/** `harness`: what the engine does around each call (the clock read and `Effect.locally`), limits unset. */
type Limits = "none" | "harness" | "set"

const effectful = (
  label: string,
  baseUrl: string,
  client: HttpClient.HttpClient,
  withLimits: Limits = "none"
): Contender => {
  const one = Effect.flatMap(
    Effect.suspend(() => client.execute(HttpClientRequest.del(`${baseUrl}${nextPath()}`, { headers }))),
    (response) => Effect.map(response.json, (body) => check(response.status, body))
  )
  const call = withLimits === "none" ?
    one :
    Effect.flatMap(
      limits,
      (value) => Effect.locally(one, currentAttemptLimits, withLimits === "set" ? value : undefined)
    )
  return {
    label,
    run: (n) =>
      Effect.runPromise(
        Effect.gen(function*() {
          const start = performance.now()
          for (let i = 0; i < n; i++) yield* call
          return performance.now() - start
        }).pipe(Effect.scoped)
      )
  }
}

/** ns per call of each of `fs`, median of 7 alternating rounds of `n` calls (the first round discarded). */
const nsPerOp = (n: number, fs: ReadonlyArray<() => unknown>): Array<number> => {
  const rounds = fs.map(() => [] as Array<number>)
  let sink = 0
  for (let round = 0; round < 8; round++) {
    fs.forEach((f, k) => {
      const start = performance.now()
      for (let i = 0; i < n; i++) sink += f() === undefined ? 0 : 1
      if (round > 0) rounds[k]!.push(((performance.now() - start) * 1e6) / n)
    })
  }
  if (sink < 0) throw new Error("unreachable")
  return rounds.map(median)
}

const main = async () => {
  const server = await startFastServer()
  const scope = Effect.runSync(Scope.make())
  const pool = new Pool(server.url, { connections: 8, pipelining: 1 })
  try {
    const ours = await Effect.runPromise(Scope.extend(UndiciHttpClient.make({ connections: 8 }), scope))
    const platform = await Effect.runPromise(
      Layer.buildWithScope(NodeHttpClient.layerUndici, scope).pipe(
        Effect.map((context) => context.unsafeMap.get(HttpClient.HttpClient.key) as HttpClient.HttpClient)
      )
    )
    const contenders: ReadonlyArray<Contender> = [
      byHand(pool),
      effectful("UndiciHttpClient, no limits", server.url, ours),
      effectful("UndiciHttpClient, no limits, engine's harness", server.url, ours, "harness"),
      effectful("UndiciHttpClient, with currentAttemptLimits", server.url, ours, "set"),
      effectful("NodeHttpClient.layerUndici", server.url, platform),
      effectful(
        "NodeHttpClient.layerUndici, tracer off",
        server.url,
        HttpClient.withTracerDisabledWhen(platform, () => true)
      )
    ]
    for (const contender of contenders) await contender.run(warmup)
    const perCallUs = contenders.map(() => [] as Array<number>)
    for (let r = 0; r < runs; r++) {
      for (let k = 0; k < contenders.length; k++) {
        const index = (k + r) % contenders.length
        perCallUs[index]!.push(((await contenders[index]!.run(calls)) * 1000) / calls)
      }
    }
    console.log(
      `sequential DELETEs on loopback, ${runs} runs of ${calls} calls (µs per call: median of runs, best run)`
    )
    contenders.forEach((contender, i) => {
      const us = perCallUs[i]!
      console.log(
        `  ${contender.label.padEnd(48)} ${median(us).toFixed(1).padStart(7)}  ${min(us).toFixed(1).padStart(7)}`
      )
    })

    const request = HttpClientRequest.del("https://api.vercel.com/v3/user/tokens/tok_abc", {
      headers,
      urlParams: { teamId: "team_1" }
    })
    const plain = HttpClientRequest.del("https://api.vercel.com/v3/user/tokens/tok_abc", { headers })
    console.log("splitting the URL of a request into origin and path:")
    for (const [name, r] of [["without urlParams", plain], ["with urlParams", request]] as const) {
      const [split, parsed] = nsPerOp(200_000, [() => target(r), () => {
        const url = UrlParams.makeUrl(r.url, r.urlParams, r.hash)
        return url._tag === "Right" ? url.right.origin + url.right.pathname + url.right.search : undefined
      }])
      console.log(
        `  ${name}: adapter split ${split!.toFixed(0)} ns, new URL (as HttpClient.make) ${parsed!.toFixed(0)} ns`
      )
    }
  } finally {
    await Effect.runPromise(Scope.close(scope, Exit.void))
    await pool.destroy()
    await server.stop()
  }
}

await main()
