/**
 * Benchmark 3c, in a fresh process: memory over 100 000 sequential revocations. After a warm-up of
 * 1 000 calls, memory is sampled at the start and every `every` calls: RSS as the process has it,
 * then the heap in use after a forced full GC (`--expose-gc`), which is where a leak would show.
 * Arguments: base URL, contender (`promise` or `sdk`), calls, sampling interval.
 */
import { performance } from "node:perf_hooks"
import { type Contender, ourPromise, vercelSdk } from "./contenders.js"
import { nextTokenId } from "./loops.js"

export interface RssSample {
  readonly calls: number
  readonly rssMiB: number
  readonly heapUsedMiB: number
}

export interface RssReport {
  readonly samples: ReadonlyArray<RssSample>
  readonly totalMs: number
}

const [baseUrl, which, countArg, everyArg] = process.argv.slice(2)
const count = Number(countArg)
const every = Number(everyArg)
const mib = (bytes: number) => Math.round((bytes / 2 ** 20) * 10) / 10
const gc = (globalThis as { gc?: () => void }).gc

const measure = (calls: number): RssSample => {
  const rss = process.memoryUsage.rss()
  gc?.()
  return { calls, rssMiB: mib(rss), heapUsedMiB: mib(process.memoryUsage().heapUsed) }
}

const main = async () => {
  const target = { baseUrl, token: "bench_rss_bearer" }
  const contender: Contender = which === "sdk" ? vercelSdk(target) : ourPromise(target)
  for (let i = 0; i < 1_000; i++) await contender.call(nextTokenId())
  const samples = [measure(0)]
  const start = performance.now()
  for (let i = 1; i <= count; i++) {
    await contender.call(nextTokenId())
    if (i % every === 0) samples.push(measure(i))
  }
  const totalMs = performance.now() - start
  await contender.close()
  process.send?.({ samples, totalMs } satisfies RssReport)
  process.disconnect?.()
}

void main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
