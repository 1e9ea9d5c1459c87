/**
 * Writes `docs/benchmarks.md` from the results: a section per benchmark, each with its setup,
 * its table, and the verdict on its target.
 */
import type { BundleSize } from "./bundleSize.js"
import { type Headline, readmeLines, targets, verdict } from "./headline.js"
import { type ImportTime, medianImport } from "./importTime.js"
import type { Machine } from "./machine.js"
import { kib, mib, ms, percent, ratio, seconds, table, us } from "./markdown.js"
import type { ContenderRuns, PerCallResult } from "./perCall.js"
import { profileNotes } from "./profileNotes.js"
import type { ProfileResult } from "./profileSummary.js"
import type { RateLimitResult, RateLimitRun } from "./rateLimit.js"
import type { RssRun } from "./rssGrowth.js"
import { max, median, min, quantile } from "./stats.js"

export interface Results {
  readonly machine: Machine
  readonly versions: Readonly<Record<string, string>>
  readonly perCall: PerCallResult
  readonly rateLimit: RateLimitResult
  readonly headline: Headline
  readonly bundles: ReadonlyArray<BundleSize>
  readonly imports: ReadonlyArray<ImportTime>
  readonly rss: ReadonlyArray<RssRun>
  readonly rssEvery: number
  readonly profile: ProfileResult
  readonly chartFile: string
  readonly elapsedMs: number
  /** The 1-minute load average when the run started and when it ended. */
  readonly load: readonly [number, number]
}

const machineSection = (r: Results): string =>
  [
    table(["", ""], [
      ["CPU", `${r.machine.cpu} (${r.machine.cores} cores)`],
      ["memory", `${r.machine.memoryGiB} GiB`],
      ["OS", r.machine.os],
      ["Node", `${r.machine.node} (its \`fetch\` is undici ${process.versions.undici ?? "?"})`],
      ["date", r.machine.date],
      ["load average (1 min)", `${r.load[0].toFixed(2)} at the start, ${r.load[1].toFixed(2)} at the end of the run`],
      ["packages", Object.entries(r.versions).map(([name, v]) => `${name} ${v}`).join(", ")],
      ["this run", `${seconds(r.elapsedMs)} for \`node bench/dist/run.js\` (the \`tsc -b\` before it not included)`]
    ])
  ].join("\n")

const perCallTable = (runs: ReadonlyArray<ContenderRuns>, withLatency: boolean): string => {
  const baseline = median(runs.find((r) => r.key === "fetch")!.runsUs)
  const header = withLatency
    ? ["client", "µs per call (median)", "runs: min – max", "latency p50", "latency p99", "vs `fetch`"]
    : ["client", "µs per call (median)", "runs: min – max", "vs `fetch`"]
  return table(
    header,
    runs.map((r) => {
      const m = median(r.runsUs)
      const cells = [r.label, us(m), `${us(min(r.runsUs))} – ${us(max(r.runsUs))}`]
      if (withLatency) cells.push(us(quantile(r.latenciesUs, 0.5)), us(quantile(r.latenciesUs, 0.99)))
      cells.push(ratio(m / baseline))
      return cells
    })
  )
}

const perCallSection = (r: Results): string => {
  const s = r.perCall.settings
  const h = r.headline
  const seqMet = h.sequentialVsFetch <= targets.fetchRatio && h.sequentialVsSdk < 1
  const concMet = h.concurrentVsFetch <= targets.fetchRatio && h.concurrentVsSdk < 1
  const miss = (ratioValue: number) =>
    ratioValue <= targets.fetchRatio
      ? ""
      : ` It is ${ratio(ratioValue)} the \`fetch\` loop's time, ${
        percent(ratioValue / targets.fetchRatio - 1)
      } over the ${ratio(targets.fetchRatio)} target.`
  return [
    "## 1. Per-call cost",
    "",
    `Every client revokes tokens from the same server: ${s.sequentialCalls} calls one after another, and ` +
    `${s.concurrentCalls} calls with ${s.concurrency} callers at once, after a warm-up of ${s.warmupCalls} ` +
    `calls of each kind. ${s.runs} runs, interleaved in one process with the order rotated every run; the table ` +
    "gives the median run (run time / calls) and the spread of the runs. Each call counts only once its " +
    "answer is verified (status 200 and the `tokenId` echoed back); any failure aborts the benchmark.",
    "",
    "The server is a dedicated minimal `node:http` server (`bench/src/fastServer.ts`) in a child process, so it " +
    "works on the other core and not on the client's event loop. It revokes any id without seeding (so " +
    "100 000 calls need no setup) and sends what Vercel sends, `Date`, `x-vercel-id` and `X-RateLimit-*` " +
    "headers with a limit never reached, because reading those is part of a real client's cost. " +
    "`MockVercelServer` is not used here: it needs every id seeded and records every request, which is right " +
    "for tests and adds server time that is not the client's.",
    "",
    "The contenders: our Promise API (`createVercelAuth(...).tokens.delete`, default policy); our Effect API " +
    "(`vercel.effect.tokens.delete`, each call run with `Effect.runPromise`); (a) `undici.request` by hand with " +
    `its own \`Agent\` (undici ${r.versions["undici"]}, the version \`@effect/platform-node\` uses); (b) a global ` +
    "`fetch` loop by hand, the baseline; (c) `@vercel/sdk`'s standalone `authenticationDeleteAuthToken` with " +
    "its defaults (no retries). The hand-written loops check status and `tokenId` too, and nothing else.",
    "",
    "### Sequential",
    "",
    perCallTable(r.perCall.sequential, true),
    "",
    `### Concurrency ${s.concurrency}`,
    "",
    "Our default policy lets at most 8 requests of one client out at once (`maxConcurrent`, see " +
    "[resilience](resilience.md)): the 50 callers queue in the client. The extra row raises the cap to 50.",
    "",
    perCallTable(r.perCall.concurrent, false),
    "",
    "### Target: Promise API at or below 0.9× the `fetch` loop, and faster than `@vercel/sdk`",
    "",
    `- Sequential: ${ratio(h.sequentialVsFetch)} the \`fetch\` loop, ${ratio(h.sequentialVsSdk)} \`@vercel/sdk\`: ` +
    `${verdict(seqMet)}.${miss(h.sequentialVsFetch)}`,
    `- Concurrency ${s.concurrency}: ${ratio(h.concurrentVsFetch)} the \`fetch\` loop, ` +
    `${ratio(h.concurrentVsSdk)} \`@vercel/sdk\`: ${verdict(concMet)}.${miss(h.concurrentVsFetch)}`,
    ...(seqMet && concMet ? [] : [
      "",
      "Why: the transport underneath our client is undici, row (a); what our client adds on top of it is the " +
      "Effect runtime's work per call (spans, the deadline and attempt timeouts, the concurrency permit, the " +
      "rate-limit gate, the platform's request pipeline) and the garbage it leaves, not the network. At " +
      "concurrency 50 the default cap of 8 requests in flight adds the cost of the queue in front of it. " +
      "Section 4 has the profile and what would be cheap to change."
    ])
  ].join("\n")
}

const rateLimitRow = (run: RateLimitRun, calls: number, share: number): ReadonlyArray<string> => [
  run.label,
  seconds(run.totalMs),
  percent(share),
  `${run.succeeded} / ${calls}`,
  String(run.failed + run.notStarted),
  String(run.requests),
  String(run.tooManyRequests)
]

/** Where a new burst of completions starts: after a pause of more than `gapMs`. */
const burstStarts = (completedAtMs: ReadonlyArray<number>, gapMs = 500): ReadonlyArray<number> => {
  const sorted = [...completedAtMs].sort((a, b) => a - b)
  return sorted.filter((t, i) => i === 0 || t - sorted[i - 1] > gapMs)
}

const rateLimitWhy = "Why the rate falls short: our client does not draw the 429s, it waits for the window, and each " +
  "wait is about one second longer than the window. `X-RateLimit-Reset` says when the window resets in whole " +
  "seconds, rounded up (0 to 1 s late), and the client measures that instant on its estimate of the server's " +
  "clock, taken from `Date` headers, also whole seconds; the estimate is a lower bound so that the client " +
  "never sends early (`packages/core/src/internal/serverClock.ts`). All responses of a window arrive within " +
  "the same few hundred milliseconds, so the estimate lags the server by the fraction of a second at which they " +
  "arrive, and the two roundings add up to about one second per window (compare the burst starts above with the " +
  "window). `@vercel/sdk` is faster here because it sends into the closed window, draws a 429 per request in " +
  "flight, and retries after `Retry-After`, which the server rounds to the next whole second after the reset."

const rateLimitTooMany = "Where our 429s come from: they appear in some runs and not in others, and in the runs " +
  "where the first window's responses straddle a whole second of the clock (starting the run just before a " +
  "second boundary reproduces them every time; just after, never). The gate keeps the newest window's " +
  "`Remaining`, and tells windows apart by their reset instant converted to the local clock " +
  "(`packages/core/src/internal/gate.ts`, `release`, and `observeRateLimit` in `hints.ts`). When a `Date` " +
  "header after the second boundary tightens the server-clock estimate, the same window's reset converts to " +
  "an instant up to a second earlier, so every later response of that window looks older and is ignored: " +
  "the gate's count of what remains stops falling, it lets requests out until the server answers 429, and " +
  "the requests in flight at that moment draw one each."

const rateLimitSection = (r: Results): string => {
  const s = r.rateLimit.settings
  const h = r.headline
  const met = h.oursShare >= targets.rateShare && h.ours.tooManyRequests <= s.inFlight && h.ours.failed === 0
  const windows = Math.ceil(s.calls / s.limit)
  const floorMs = (windows - 1) * s.windowMs
  const notes: Array<string> = []
  for (const run of [h.ours, h.sdk]) {
    if (run.notStarted > 0) {
      notes.push(`- ${run.label} was capped at ${s.capMs / 1000} s: ${run.notStarted} calls were never started.`)
    }
    if (run.errors.length > 0) notes.push(`- ${run.label} failed calls with: ${run.errors.join("; ")}`)
  }
  return [
    "## 2. Rate-limit efficiency",
    "",
    `${s.calls} revocations, ${s.inFlight} in flight, against \`MockVercelServer\` with a fixed window of ` +
    `${s.limit} requests per ${s.windowMs / 1000} s per bearer (the window opens with the first request; ` +
    "`X-RateLimit-Reset` is in whole epoch seconds, rounded up, as Vercel sends it; 429s carry `Retry-After` " +
    "and the reset in the body). Each client gets a fresh server in this process: the run is bound by the " +
    "window, not by CPU. The ideal is the server's own rate: " +
    `${s.calls} / (${s.limit} per ${s.windowMs / 1000} s) = ${seconds(h.idealMs)}. A fixed window lets a ` +
    `client beat that slightly: the ${windows}th window opens ${seconds(floorMs)} after the first request, ` +
    "so the floor is that plus the last window's round trips.",
    "",
    "Our client runs with its default policy (`maxConcurrent: 8`). `@vercel/sdk` runs with its backoff " +
    "retries on (`retryConfig: { strategy: \"backoff\", backoff: { initialInterval: 500, maxInterval: 60000, " +
    "exponent: 1.5, maxElapsedTime: 60000 }, retryConnectionErrors: true }`: its default backoff with the " +
    `elapsed time capped at 60 s); no new call starts after ${s.capMs / 1000} s for either.`,
    "",
    table(
      ["client", "total time", "of the ideal rate", "succeeded", "failed or not started", "requests sent", "429s"],
      [
        rateLimitRow(h.ours, s.calls, h.oursShare),
        rateLimitRow(h.sdk, s.calls, h.sdkShare)
      ]
    ),
    "",
    `![Requests completed over time, ${h.ours.label} and ${h.sdk.label}](${r.chartFile})`,
    "",
    "Bursts of completions (a completion more than half a second after the one before starts a burst) began at:",
    "",
    ...[h.ours, h.sdk].map((run) => `- ${run.label}: ${burstStarts(run.completedAtMs).map(seconds).join(", ")}`),
    "",
    ...(notes.length > 0 ? [...notes, ""] : []),
    `Target: at least ${percent(targets.rateShare)} of the ideal rate and no more 429s than the ${s.inFlight} ` +
    `requests in flight at the first window: ${percent(h.oursShare)} and ${h.ours.tooManyRequests} × 429, ` +
    `${verdict(met)}.` +
    (h.oursShare < targets.rateShare
      ? ` The rate is ${((targets.rateShare - h.oursShare) * 100).toFixed(1)} percentage points short of the target.`
      : "") +
    (h.ours.tooManyRequests > s.inFlight ? ` ${h.ours.tooManyRequests - s.inFlight} 429s over the target.` : ""),
    ...(h.oursShare < targets.rateShare ? ["", rateLimitWhy] : []),
    ...(h.ours.tooManyRequests > 0 ? ["", rateLimitTooMany] : [])
  ].join("\n")
}

const rssTable = (runs: ReadonlyArray<RssRun>, every: number): string => {
  const sampled = runs[0]?.samples.map((sample) => sample.calls) ?? []
  return table(
    [
      "client",
      "calls",
      "µs per call (run at once)",
      "RSS first / last / max",
      "heap after GC first / last / max",
      ...sampled.map(
        (n) => n === 0 ? "heap at 0" : `${n / 1000}k`
      )
    ],
    runs.map((run) => {
      const rss = run.samples.map((s) => s.rssMiB)
      const heap = run.samples.map((s) => s.heapUsedMiB)
      const calls = run.samples[run.samples.length - 1]?.calls ?? 0
      return [
        run.label,
        String(calls),
        us((run.totalMs * 1000) / calls),
        `${mib(rss[0])} / ${mib(rss[rss.length - 1])} / ${mib(max(rss))}`,
        `${mib(heap[0])} / ${mib(heap[heap.length - 1])} / ${mib(max(heap))}`,
        ...heap.map((v) => v.toFixed(1))
      ]
    })
  ) + `\n\nThe last columns are the heap in use after a full GC (MiB), sampled every ${every / 1000}k calls.`
}

const footprintSection = (r: Results): string => {
  const bundleRows = r.bundles.map((b) => [
    b.label,
    `\`bench/src/${b.entry.replace(/\.js$/, ".ts")}\``,
    kib(b.minifiedBytes),
    kib(b.gzippedBytes),
    b.byPackage.slice(0, 5).map(([name, bytes]) => `${name} ${kib(bytes)}`).join(", ")
  ])
  const importRows = r.imports.map((time) => {
    const m = medianImport(time)
    // With nothing to import the in-process timer measures nothing; only the process time means something.
    const none = time.specifiers.length === 0
    return [
      time.label,
      none ? "–" : ms(m.importMs),
      none ? "–" : `${ms(min(time.importMs))} – ${ms(max(time.importMs))}`,
      ms(m.processMs)
    ]
  })
  const ours = r.rss.find((run) => run.label.startsWith("vercel-auth"))
  const heap = ours?.samples.map((s) => s.heapUsedMiB) ?? []
  // Flat: after the first sampling interval the heap after GC grows by less than 1 MiB up to the end.
  const settled = heap.length > 1 ? heap[1] : heap[0]
  const growth = heap.length > 0 ? heap[heap.length - 1] - settled : Number.NaN
  const flat = growth < 1
  return [
    "## 3. Footprint",
    "",
    "### Bundle size",
    "",
    "A program that only revokes one token, bundled with esbuild (ESM, `platform: \"node\"`, minified, " +
    "everything inlined), then gzipped with zlib at level 9. The last column attributes the minified bytes to " +
    "packages (esbuild's metafile). Our adapter carries its transport (undici through `@effect/platform-node`); " +
    "`@vercel/sdk` uses Node's built-in `fetch`, so no HTTP client is in its bundle.",
    "",
    table(["program", "entry", "minified", "gzipped", "largest parts (minified)"], bundleRows),
    "",
    "### Cold import time",
    "",
    `Median of ${r.imports[0]?.importMs.length ?? 0} fresh \`node --input-type=module -e\` processes per row, ` +
    "alternating: `await import(...)` timed inside the process with `performance.now()`, and the whole " +
    "process (start to exit) timed from outside. The first round is discarded, so the OS file cache is warm; " +
    "V8's module cache is cold in every process.",
    "",
    table(["import", "import (median)", "import: min – max", "whole process (median)"], importRows),
    "",
    "### Memory over 100 000 revocations",
    "",
    "Sequential revocations through one client in a fresh process (`--expose-gc`) against the fast server, " +
    "after a warm-up of 1 000 calls. At each sample RSS is read as the process has it, then a full GC runs " +
    "and the heap in use is read: a leak shows there. To fit the five-minute budget the two clients run at " +
    "the same time, each in its own process, against one server: memory is what is measured here, and their " +
    "µs per call (shown for the record) are slower than in benchmark 1 because they share two cores with it.",
    "",
    rssTable(r.rss, r.rssEvery),
    "",
    `Target: flat. Our client's heap after GC went from ${mib(settled)} after the first ${r.rssEvery / 1000}k ` +
    `calls to ${mib(heap[heap.length - 1] ?? Number.NaN)} at the end (${growth >= 0 ? "+" : ""}${
      growth.toFixed(1)
    } MiB; flat means under 1 MiB): ${verdict(flat)}.`
  ].join("\n")
}

const profileSection = (r: Results): string => {
  const p = r.profile
  const total = p.busyMs
  return [
    "## 4. Where the time goes",
    "",
    `One \`node --cpu-prof\` run of the sequential Promise benchmark alone (a warm-up of 500 calls, then ` +
    `${p.calls} calls; ${us((p.wallMs * 1000) / p.calls)} µs per call under the profiler) against the fast ` +
    `server in another process. Self time by package, of ${ms(total)} ms sampled on the CPU; the process was ` +
    `idle (waiting for the server) another ${ms(p.idleMs)} ms.`,
    "",
    table(
      ["package", "self time", "share"],
      p.byPackage.map(([name, t]) => [name, `${ms(t)} ms`, percent(t / total)])
    ),
    "",
    "The functions with the most self time (lines are in the compiled `.js`):",
    "",
    table(
      ["function", "package", "where", "self time", "share"],
      p.top.map((
        f
      ) => [
        `\`${f.name}\``,
        f.pkg,
        f.location === "" ? "–" : `\`${f.location}\``,
        `${ms(f.selfMs)} ms`,
        percent(f.selfMs / total)
      ])
    ),
    "",
    profileNotes(p, r.perCall)
  ].join("\n")
}

export const renderReport = (r: Results): string =>
  [
    "# Benchmarks",
    "",
    "<!-- Written by `pnpm bench` (bench/src/run.ts); edits here are overwritten on the next run. -->",
    "",
    "vercel-auth against raw undici, a hand-written `fetch` loop and `@vercel/sdk`, on loopback. " +
    "Run `pnpm bench` to reproduce; it rewrites this page and the chart.",
    "",
    machineSection(r),
    "",
    "## Headline",
    "",
    ...readmeLines(r.headline),
    "",
    perCallSection(r),
    "",
    rateLimitSection(r),
    "",
    footprintSection(r),
    "",
    profileSection(r),
    ""
  ].join("\n")
