/**
 * Driving a contender: `count` revocations one after another, or with `concurrency` callers at
 * once. Both are bounded by `count`; the phase around them is bounded in time.
 */
import { performance } from "node:perf_hooks"
import type { Contender } from "./contenders.js"

let serial = 0
/** A fresh token id: the fast server revokes any id, and no two calls ask for the same one. */
export const nextTokenId = (): string => `tok_bench_${(++serial).toString(36)}`

export interface SequentialRun {
  readonly totalMs: number
  /** Per call, in microseconds. */
  readonly latenciesUs: ReadonlyArray<number>
}

export const runSequential = async (contender: Contender, count: number): Promise<SequentialRun> => {
  const latenciesUs = new Array<number>(count)
  const start = performance.now()
  for (let i = 0; i < count; i++) {
    const t0 = performance.now()
    await contender.call(nextTokenId())
    latenciesUs[i] = (performance.now() - t0) * 1000
  }
  return { totalMs: performance.now() - start, latenciesUs }
}

/** `concurrency` workers share the `count` calls; resolves with the wall time of them all. */
export const runConcurrent = async (contender: Contender, count: number, concurrency: number): Promise<number> => {
  let next = 0
  const worker = async () => {
    while (next < count) {
      next++
      await contender.call(nextTokenId())
    }
  }
  const start = performance.now()
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker))
  return performance.now() - start
}
