/**
 * Benchmark 1, per-call cost: every contender against the same fast loopback server, sequentially
 * and at concurrency 50, over several runs interleaved in one process (the order rotates each run,
 * so no contender always runs first or last).
 */
import {
  bareEffectHttp,
  type Contender,
  handFetch,
  handUndici,
  ourEffect,
  ourEffectTraced,
  ourPromise,
  recordingTracer,
  type Target,
  vercelSdk
} from "./contenders.js"
import { runConcurrent, runSequential } from "./loops.js"

export interface PerCallSettings {
  readonly sequentialCalls: number
  readonly concurrentCalls: number
  readonly concurrency: number
  readonly runs: number
  readonly warmupCalls: number
}

export const perCallSettings: PerCallSettings = {
  sequentialCalls: 2_000,
  concurrentCalls: 2_000,
  concurrency: 50,
  runs: 5,
  warmupCalls: 300
}

export const perCallQuick: PerCallSettings = {
  sequentialCalls: 200,
  concurrentCalls: 200,
  concurrency: 50,
  runs: 2,
  warmupCalls: 50
}

export interface ContenderRuns {
  readonly key: string
  readonly label: string
  /** µs per call of each run (run time / calls). */
  readonly runsUs: ReadonlyArray<number>
  /** Every call's latency over all runs, in µs (sequential only). */
  readonly latenciesUs: ReadonlyArray<number>
}

export interface PerCallResult {
  readonly settings: PerCallSettings
  readonly sequential: ReadonlyArray<ContenderRuns>
  readonly concurrent: ReadonlyArray<ContenderRuns>
  /** Spans the recording tracer received per call, over every traced call (warm-up included). */
  readonly spansPerTracedCall: number
}

const rotate = <A>(items: ReadonlyArray<A>, by: number): Array<A> => {
  const k = by % items.length
  return [...items.slice(k), ...items.slice(0, k)]
}

export const runPerCall = async (
  target: Target,
  settings: PerCallSettings,
  log: (line: string) => void
): Promise<PerCallResult> => {
  const recorder = recordingTracer()
  const common: Array<Contender> = [
    ourPromise(target),
    ourEffect(target),
    ourEffectTraced(target, recorder),
    bareEffectHttp(target),
    handUndici(target),
    handFetch(target),
    vercelSdk(target)
  ]
  // At concurrency 50 our default policy lets 8 requests out at once; this row shows what the cap costs.
  const tuned = ourPromise(
    target,
    { maxConcurrent: settings.concurrency },
    `vercel-auth, Promise API, \`maxConcurrent: ${settings.concurrency}\``
  )
  const all = [...common, tuned]
  let tracedCalls = 0
  let spans = 0
  // The tracer keeps its spans until they are "exported": here, dropped after each run, outside the timing.
  const flush = () => {
    spans += recorder.spans.length
    recorder.spans.length = 0
  }
  try {
    for (const contender of all) {
      await runSequential(contender, settings.warmupCalls)
      await runConcurrent(contender, settings.warmupCalls, settings.concurrency)
      if (contender.key === "effect-traced") tracedCalls += settings.warmupCalls * 2
      flush()
    }
    log(`  warmed up ${all.length} clients with ${settings.warmupCalls * 2} calls each`)

    const sequential = new Map(common.map((c) => [c.key, { runsUs: [] as Array<number>, lat: [] as Array<number> }]))
    for (let run = 0; run < settings.runs; run++) {
      for (const contender of rotate(common, run)) {
        const result = await runSequential(contender, settings.sequentialCalls)
        const entry = sequential.get(contender.key)!
        entry.runsUs.push((result.totalMs * 1000) / settings.sequentialCalls)
        entry.lat.push(...result.latenciesUs)
        if (contender.key === "effect-traced") tracedCalls += settings.sequentialCalls
        flush()
      }
      log(`  sequential run ${run + 1}/${settings.runs} done`)
    }

    const concurrent = new Map(all.map((c) => [c.key, [] as Array<number>]))
    for (let run = 0; run < settings.runs; run++) {
      for (const contender of rotate(all, run)) {
        const ms = await runConcurrent(contender, settings.concurrentCalls, settings.concurrency)
        concurrent.get(contender.key)!.push((ms * 1000) / settings.concurrentCalls)
        if (contender.key === "effect-traced") tracedCalls += settings.concurrentCalls
        flush()
      }
      log(`  concurrent run ${run + 1}/${settings.runs} done`)
    }

    return {
      settings,
      sequential: common.map((c) => ({
        key: c.key,
        label: c.label,
        runsUs: sequential.get(c.key)!.runsUs,
        latenciesUs: sequential.get(c.key)!.lat
      })),
      concurrent: all.map((c) => ({ key: c.key, label: c.label, runsUs: concurrent.get(c.key)!, latenciesUs: [] })),
      spansPerTracedCall: spans / tracedCalls
    }
  } finally {
    for (const contender of all) await contender.close()
  }
}
