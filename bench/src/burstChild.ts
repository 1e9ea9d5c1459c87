/**
 * Benchmark 2, in a fresh process: `calls` revocations started at once through one Promise-API
 * client with `deadline` set, against a rate-limited server (another process). Each call's start is
 * taken when `tokens.delete` is called and its end when its promise settles; the event loop's delay is
 * sampled throughout (`monitorEventLoopDelay`, 1 ms resolution). Arguments: base URL, bearer, calls,
 * deadline in ms, the hard cap in ms after which unsettled calls are reported as such.
 */
import { createVercelAuth } from "@vercel-auth/adapter"
import { monitorEventLoopDelay, performance } from "node:perf_hooks"

export interface BurstReport {
  readonly calls: number
  readonly deadlineMs: number
  /** Settled calls by outcome: `ok`, or the error's `_tag` (its `name` when it has none). */
  readonly outcomes: Readonly<Record<string, number>>
  /** Calls not settled by the hard cap. */
  readonly unsettled: number
  /** Over all settled calls: settle time − start − deadline, in ms (negative: before the deadline). */
  readonly worstLatenessMs: number
  /** The longest any call took, in ms. */
  readonly longestCallMs: number
  /** The slowest successful call, in ms. */
  readonly longestSuccessMs: number
  /** From the first call to the last settled. */
  readonly totalMs: number
  /** The time the loop starting every call took (one synchronous stretch of the event loop). */
  readonly issueMs: number
  readonly loopDelayMaxMs: number
  readonly loopDelayP99Ms: number
  readonly loopDelayMeanMs: number
  readonly disposeMs: number
  readonly messages: ReadonlyArray<string>
}

const [baseUrl, bearer, callsArg, deadlineArg, capArg] = process.argv.slice(2)
const calls = Number(callsArg)
const deadlineMs = Number(deadlineArg)
const capMs = Number(capArg)

const tagOf = (error: unknown): string => {
  if (typeof error === "object" && error !== null) {
    const tag = (error as { _tag?: unknown })._tag
    if (typeof tag === "string") return tag
    if (error instanceof Error) return error.name
  }
  return typeof error
}

const main = async () => {
  const vercel = createVercelAuth({
    token: bearer,
    baseUrl,
    userAgent: "vercel-auth-bench",
    resilience: { deadline: deadlineMs }
  })
  const histogram = monitorEventLoopDelay({ resolution: 1 })
  const outcomes: Record<string, number> = {}
  const messages = new Set<string>()
  let settled = 0
  let worstLatenessMs = Number.NEGATIVE_INFINITY
  let longestCallMs = 0
  let longestSuccessMs = 0
  let lastSettledAt = 0
  const count = (key: string) => {
    outcomes[key] = (outcomes[key] ?? 0) + 1
  }
  histogram.enable()
  const first = performance.now()
  const all: Array<Promise<void>> = []
  for (let i = 0; i < calls; i++) {
    const start = performance.now()
    all.push(
      vercel.tokens.delete(`tok_burst_${i}`).then(
        () => {
          const took = performance.now() - start
          longestSuccessMs = Math.max(longestSuccessMs, took)
          count("ok")
        },
        (error: unknown) => {
          count(tagOf(error))
          // One of each kind: the same message but for the token id, the instant and the request id.
          if (messages.size < 4 && error instanceof Error) {
            const text = error.message
              .replace(/"tok_burst_\d+"/g, "\"…\"")
              .replace(/\d{4}-\d\d-\d\dT[\d:.]+Z/g, "<time>")
              .replace(/request id: \S+/g, "request id: <id>")
            messages.add(`${tagOf(error)}: ${text.slice(0, 300)}`)
          }
        }
      ).then(() => {
        const end = performance.now()
        settled++
        lastSettledAt = end
        longestCallMs = Math.max(longestCallMs, end - start)
        worstLatenessMs = Math.max(worstLatenessMs, end - start - deadlineMs)
      })
    )
  }
  const issueMs = performance.now() - first
  let timer: ReturnType<typeof setTimeout> | undefined
  await Promise.race([
    Promise.all(all),
    new Promise((resolve) => {
      timer = setTimeout(resolve, capMs)
    })
  ])
  clearTimeout(timer)
  histogram.disable()
  const disposeStart = performance.now()
  await vercel.dispose()
  const disposeMs = performance.now() - disposeStart
  process.send?.(
    {
      calls,
      deadlineMs,
      outcomes,
      unsettled: calls - settled,
      worstLatenessMs,
      longestCallMs,
      longestSuccessMs,
      totalMs: lastSettledAt - first,
      issueMs,
      loopDelayMaxMs: histogram.max / 1e6,
      loopDelayP99Ms: histogram.percentile(99) / 1e6,
      loopDelayMeanMs: histogram.mean / 1e6,
      disposeMs,
      messages: [...messages]
    } satisfies BurstReport
  )
  process.disconnect?.()
}

void main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
