/**
 * The demo: the embedded server, each scenario through the Promise API and then the Effect API,
 * and the summary table. `runDemo` returns the rows so that a test can check every outcome.
 */
import { createVercelAuth, VercelAuthNode } from "@vercel-auth/adapter"
import * as Effect from "effect/Effect"
import { describeUnknown, formatRequests, wrap } from "./format.js"
import { demoPolicy, type Result, type Scenario } from "./scenario.js"
import { abort } from "./scenarios/abort.js"
import { lostResponse } from "./scenarios/lostResponse.js"
import { notFound } from "./scenarios/notFound.js"
import { rateLimitStorm } from "./scenarios/rateLimitStorm.js"
import { revoke } from "./scenarios/revoke.js"
import { serverErrors } from "./scenarios/serverErrors.js"
import { type DemoServer, rateLimit, startDemoServer } from "./server.js"
import { formatMs, renderTable, type Row } from "./table.js"

export interface DemoOptions {
  /** Where the lines go; `console.log` by default. */
  readonly log?: ((line: string) => void) | undefined
}

/** In the order of the story: the normal case, then each thing that goes wrong on a bad day. */
export const scenarios: ReadonlyArray<Scenario> = [revoke, notFound, lostResponse, rateLimitStorm, serverErrors, abort]

const apis = [
  { key: "promise", label: "Promise" },
  { key: "effect", label: "Effect" }
] as const

/** Of a lane's text, after its 12-column indent: the lines stay readable in a 120-column terminal. */
const width = 104

const failed = (error: unknown): Result => ({
  outcome: `failed: ${describeUnknown(error)}`,
  ok: false,
  lines: [`unexpected failure: ${error instanceof Error ? error.message : String(error)}`]
})

const runLane = async (
  demo: DemoServer,
  scenario: Scenario,
  api: (typeof apis)[number],
  log: (line: string) => void
): Promise<Row> => {
  const account = demo.account(scenario.tokenIds(api.key))
  // Each run gets its own client, as each createVercelAuth / layer instance has its own gate and budget.
  const options = {
    token: account.token,
    baseUrl: account.baseUrl,
    userAgent: "vercel-auth-demo",
    resilience: { ...demoPolicy, ...scenario.resilience }
  }
  const started = performance.now()
  let result: Result
  if (api.key === "promise") {
    const vercel = createVercelAuth(options)
    try {
      result = await scenario.promise(vercel, account)
    } catch (error) {
      result = failed(error)
    } finally {
      await vercel.dispose()
    }
  } else {
    result = await Effect.runPromise(
      scenario.effect(account).pipe(
        Effect.provide(VercelAuthNode.layer(options)),
        Effect.catchAll((error) => Effect.succeed(failed(error)))
      )
    ).catch(failed)
  }
  const ms = performance.now() - started
  const requests = account.requests()
  const text = [...result.lines, `server saw: ${formatRequests(requests)}; ${formatMs(ms)}`].flatMap((line) =>
    wrap(line, width).map((part, i) => i === 0 ? part : `  ${part}`)
  )
  text.forEach((line, i) => log(`   ${(i === 0 ? api.label : "").padEnd(8)} ${line}`))
  return {
    scenario: scenario.name,
    api: api.label,
    outcome: result.outcome,
    ok: result.ok,
    requests: requests.length,
    ms
  }
}

export const runDemo = async (options: DemoOptions = {}): Promise<ReadonlyArray<Row>> => {
  const log = options.log ?? console.log
  const demo = await startDemoServer()
  try {
    log(`vercel-auth demo: revoking tokens on a local Vercel-like server at ${demo.server.url}`)
    const { limit, windowMs } = rateLimit
    log(`(loopback only, made-up tokens; the server allows ${limit} requests per ${windowMs} ms per token)`)
    const rows: Array<Row> = []
    for (const [i, scenario] of scenarios.entries()) {
      log("")
      log(`${i + 1}. ${scenario.title}`)
      for (const api of apis) rows.push(await runLane(demo, scenario, api, log))
    }
    log("")
    for (const line of renderTable(rows)) log(line)
    const unexpected = rows.filter((row) => !row.ok).length
    log("")
    log(unexpected === 0 ? "Every scenario ended as expected." : `${unexpected} run(s) did not end as expected.`)
    log("The same client against the real API, for one token of yours: VERCEL_TOKEN=… pnpm demo -- --live <tokenId>")
    return rows
  } finally {
    await demo.close()
  }
}
