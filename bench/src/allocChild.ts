/**
 * Benchmark 1b, in a fresh process: what one sequential call allocates and how many fibers it starts,
 * per contender. Run with `--expose-gc` and a 64 MiB semi-space, so that a round of calls fits in the
 * young generation: each round is a full GC, `heapUsed`, `calls` sequential calls, `heapUsed` again;
 * the growth over the round is what the calls allocated on the V8 heap (Buffers' backing stores live
 * outside it and are not counted). A round during which any GC ran (seen by a `PerformanceObserver`)
 * is discarded. Fibers are counted by Effect's global fiber-id counter: every fiber, in any runtime
 * of this process, takes the next id when it starts.
 * Arguments: base URL, calls per round, rounds.
 */
import * as GlobalValue from "effect/GlobalValue"
import * as MutableRef from "effect/MutableRef"
import { PerformanceObserver } from "node:perf_hooks"
import {
  bareEffectHttp,
  type Contender,
  handFetch,
  handUndici,
  ourEffect,
  ourEffectTraced,
  ourPromise,
  recordingTracer,
  vercelSdk
} from "./contenders.js"
import { runSequential } from "./loops.js"

export interface AllocationRow {
  readonly key: string
  readonly label: string
  /** Bytes per call of each round kept (no GC during it). */
  readonly bytesPerCall: ReadonlyArray<number>
  /** Fibers started per call (the same in every round; the median is kept). */
  readonly fibersPerCall: number
  /** Rounds thrown away because a GC ran during them. */
  readonly discarded: number
  /** Whether the contender runs on Effect (fibers mean something). */
  readonly effect: boolean
}

export interface AllocationReport {
  readonly calls: number
  readonly rows: ReadonlyArray<AllocationRow>
}

const [baseUrl, callsArg, roundsArg] = process.argv.slice(2)
const calls = Number(callsArg)
const rounds = Number(roundsArg)
const gc = (globalThis as { gc?: () => void }).gc
// The counter `FiberId.unsafeMake` increments; `globalValue` hands back the one already made.
const fiberCounter = GlobalValue.globalValue(
  Symbol.for("effect/Fiber/Id/_fiberCounter"),
  () => MutableRef.make(0)
)

let gcs = 0
new PerformanceObserver((list) => {
  gcs += list.getEntries().length
}).observe({ entryTypes: ["gc"] })
const settle = () => new Promise((resolve) => setTimeout(resolve, 20))

const main = async () => {
  if (gc === undefined) throw new Error("allocChild needs --expose-gc")
  const target = { baseUrl, token: "bench_alloc_bearer" }
  const recorder = recordingTracer()
  const contenders: ReadonlyArray<readonly [Contender, boolean]> = [
    [ourPromise(target), true],
    [ourEffect(target), true],
    [ourEffectTraced(target, recorder), true],
    [bareEffectHttp(target), true],
    [handUndici(target), false],
    [handFetch(target), false],
    [vercelSdk(target), false]
  ]
  const rows: Array<AllocationRow> = []
  for (const [contender, effect] of contenders) {
    await runSequential(contender, 300)
    const bytes: Array<number> = []
    const fibers: Array<number> = []
    let discarded = 0
    for (let round = 0; round < rounds + 3 && bytes.length < rounds; round++) {
      recorder.spans.length = 0
      gc()
      gc()
      await settle()
      gcs = 0
      const f0 = MutableRef.get(fiberCounter)
      const h0 = process.memoryUsage().heapUsed
      await runSequential(contender, calls)
      const h1 = process.memoryUsage().heapUsed
      const f1 = MutableRef.get(fiberCounter)
      await settle()
      fibers.push((f1 - f0) / calls)
      if (gcs > 0) discarded++
      else bytes.push((h1 - h0) / calls)
    }
    recorder.spans.length = 0
    fibers.sort((a, b) => a - b)
    rows.push({
      key: contender.key,
      label: contender.label,
      bytesPerCall: bytes,
      fibersPerCall: fibers[Math.floor(fibers.length / 2)] ?? Number.NaN,
      discarded,
      effect
    })
    await contender.close()
  }
  process.send?.({ calls, rows } satisfies AllocationReport)
  process.disconnect?.()
}

void main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
