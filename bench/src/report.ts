/**
 * Writes `docs/benchmarks.md` from the results: the targets with this run's figures first, then a
 * section per benchmark, each with its setup, its tables, and its verdict, with the floor measured and
 * what else was measured beside it when the target is missed.
 */
import type { AllocationReport } from "./allocChild.js"
import type { BurstResult } from "./burst.js"
import type { InstallResult } from "./consumerInstall.js"
import type { FleetResult, FleetRun } from "./fleet.js"
import {
  installMB,
  medianOf,
  memoryGrowth,
  perCallMet,
  rateFigure,
  rateMet,
  ratiosOf,
  readmeLines,
  targets,
  verdictCell,
  verdicts,
  verdictWord
} from "./headline.js"
import { type ImportTime, medianImport } from "./importTime.js"
import { count, kib, lateness, mib, ms, percent, ratio, seconds, table, us } from "./markdown.js"
import type { ContenderRuns, PerCallResult } from "./perCall.js"
import { profileNotes } from "./profileNotes.js"
import { idealOf, type RateLimitResult, type RateLimitRun, type RateLimitScenario } from "./rateLimit.js"
import type { CliResult, Phase, Results } from "./results.js"
import { valueOf } from "./results.js"
import type { RssRun } from "./rssGrowth.js"
import { max, median, min, quantile } from "./stats.js"

const phaseNote = <A>(phase: Phase<A>): string =>
  phase._tag === "Skipped"
    ? `_Not measured in this run: ${phase.reason}._`
    : phase._tag === "Failed"
    ? `_This phase failed after ${seconds(phase.ms)}: ${phase.error.replace(/\n/g, " ").slice(0, 600)}_`
    : ""

const phaseLoad = <A>(phase: Phase<A>): string =>
  phase._tag === "Skipped" ? "–" : `${seconds(phase.ms)}, load ${phase.load.toFixed(2)} at its start`

const machineSection = (r: Results): string =>
  table(["", ""], [
    ["CPU", `${r.machine.cpu} (${r.machine.cores} cores)`],
    ["memory", `${r.machine.memoryGiB} GiB`],
    ["OS", r.machine.os],
    ["Node", `${r.machine.node} (its \`fetch\` is undici ${process.versions.undici ?? "?"})`],
    ["date", r.machine.date],
    ["load average (1 min)", `${r.load[0].toFixed(2)} at the start, ${r.load[1].toFixed(2)} at the end of the run`],
    ["code measured", r.tree],
    ["packages", Object.entries(r.versions).map(([name, v]) => `${name} ${v}`).join(", ")],
    [
      "this run",
      `${seconds(r.elapsedMs)} for \`node bench/dist/run.js${
        r.quick ? " --quick" : ""
      }\` (the \`tsc -b\` before it not included)`
    ]
  ])

/** In the order they run. */
const phasesTable = (r: Results): string =>
  table(["phase", "time, load"], [
    ["1. per call", phaseLoad(r.perCall)],
    ["4. cold import", phaseLoad(r.imports)],
    ["7. CLI start-up", phaseLoad(r.cli)],
    ["2. burst under a rate limit", phaseLoad(r.burst)],
    ["1. allocation per call", phaseLoad(r.allocation)],
    ["CPU profile", phaseLoad(r.profile)],
    ["3. rate limit", phaseLoad(r.rateLimit)],
    ["5. consumer install", phaseLoad(r.install)],
    ["6. memory", phaseLoad(r.rss)],
    ["8. fleet", phaseLoad(r.fleet)],
    ["bundle size", phaseLoad(r.bundles)]
  ])

const targetsSection = (r: Results): string =>
  table(
    ["#", "what", "target", "measured", "verdict"],
    verdicts(r).map((v) => [v.id, v.what, v.target, v.figure, verdictCell(v)]),
    true
  )

// 1. Per call -----------------------------------------------------------------------------------

const perCallTable = (runs: ReadonlyArray<ContenderRuns>, withLatency: boolean): string => {
  const baseline = median(runs.find((r) => r.key === "fetch")!.runsUs)
  const sdk = median(runs.find((r) => r.key === "sdk")!.runsUs)
  const header = withLatency
    ? [
      "client",
      "µs per call (median)",
      "runs: min – max",
      "latency p50",
      "latency p99",
      "vs `fetch`",
      "vs `@vercel/sdk`"
    ]
    : ["client", "µs per call (median)", "runs: min – max", "vs `fetch`", "vs `@vercel/sdk`"]
  return table(
    header,
    runs.map((r) => {
      const m = median(r.runsUs)
      const cells = [r.label, us(m), `${us(min(r.runsUs))} – ${us(max(r.runsUs))}`]
      if (withLatency) cells.push(us(quantile(r.latenciesUs, 0.5)), us(quantile(r.latenciesUs, 0.99)))
      cells.push(ratio(m / baseline), ratio(m / sdk))
      return cells
    })
  )
}

const allocationTable = (a: AllocationReport): string =>
  table(
    [
      "client",
      "KiB allocated per call (median of rounds)",
      "rounds kept / discarded (GC ran)",
      "fibers started per call"
    ],
    a.rows.map((row) => [
      row.label,
      row.bytesPerCall.length === 0 ? "–" : (median(row.bytesPerCall) / 1024).toFixed(1),
      `${row.bytesPerCall.length} / ${row.discarded}`,
      row.effect ? row.fibersPerCall.toFixed(1) : "–"
    ])
  )

const perCallVerdict = (p: PerCallResult, key: string, name: string): Array<string> => {
  const r = ratiosOf(p, key)
  const met = perCallMet(r)
  const lines = [
    `- ${name}: ${ratio(r.seqVsFetch)} the \`fetch\` loop sequentially (target ≤ ${
      ratio(targets.sequentialVsFetch)
    }), ` +
    `${ratio(r.concVsFetch)} at concurrency ${p.settings.concurrency} (target ≤ ${
      ratio(targets.concurrentVsFetch)
    }); ` +
    `${ratio(r.seqVsSdk)} / ${ratio(r.concVsSdk)} \`@vercel/sdk\` (target below 1×): ${verdictWord(met)}.`
  ]
  return lines
}

const perCallSection = (r: Results): string => {
  const p = valueOf(r.perCall)
  const head = [
    "## 1. Per-call cost",
    ""
  ]
  if (p === undefined) return [...head, phaseNote(r.perCall)].join("\n")
  const s = p.settings
  const undici = ratiosOf(p, "undici")
  const bare = ratiosOf(p, "bare-http")
  const promise = ratiosOf(p, "promise")
  const traced = ratiosOf(p, "effect-traced")
  const tuned = medianOf(p.concurrent, "promise-tuned") / medianOf(p.concurrent, "fetch")
  const effect = ratiosOf(p, "effect")
  const allocation = valueOf(r.allocation)
  const missed = !perCallMet(promise) || !perCallMet(traced)
  return [
    ...head,
    `Every client revokes tokens from the same server: ${s.sequentialCalls} calls one after another, and ` +
    `${s.concurrentCalls} calls with ${s.concurrency} callers at once, after a warm-up of ${s.warmupCalls} ` +
    `calls of each kind. ${s.runs} runs, interleaved in one process with the order rotated every run; the tables ` +
    "give the median run (run time / calls) and the spread of the runs. Each call counts only once its " +
    "answer is verified (status 200 and the `tokenId` echoed back); any failure aborts the benchmark. No " +
    "tracer is installed, except in the row that says so.",
    "",
    "The server is a minimal `node:http` server (`bench/src/fastServer.ts`) in a child process, so it " +
    "works on the other core and not on the client's event loop. It revokes any id without seeding and sends " +
    "what Vercel sends, `Date`, `x-vercel-id` and `X-RateLimit-*` headers with a limit never reached, because " +
    "reading those is part of a real client's cost.",
    "",
    "The contenders: our Promise API (`createVercelAuth(...).tokens.delete`, default policy); our Effect API " +
    "(`vercel.effect.tokens.delete`, each call run with `Effect.runPromise`); the same Effect API with a " +
    "recording tracer, `Effect.withTracer(tracer)` around each call, where `tracer` is `Tracer.make` around " +
    "Effect's built-in tracer, pushing every span it makes to an array that is emptied after each run, outside " +
    `the timing (an application's tracer batching spans for an exporter); it received ${
      p.spansPerTracedCall.toFixed(2)
    } ` +
    "spans per call. `createVercelAuth` takes no tracer option, so the Promise API cannot be given one: the " +
    "traced row is the Effect API. The reference row is `@effect/platform`'s `HttpClient` over " +
    "`NodeHttpClient.layerUndici`, platform tracer off (`HttpClient.withTracerDisabledWhen`), a plain `DELETE` " +
    "and a JSON decode, no policy, `Effect.runPromise` per call. Then (a) `undici.request` by hand with its " +
    `own \`Agent\` (undici ${r.versions["undici"]}); (b) a global \`fetch\` loop by hand, the baseline; (c) ` +
    "`@vercel/sdk`'s standalone `authenticationDeleteAuthToken` with its defaults (no retries). The " +
    "hand-written loops check status and `tokenId` too, and nothing else.",
    "",
    "### Sequential",
    "",
    perCallTable(p.sequential, true),
    "",
    `### Concurrency ${s.concurrency}`,
    "",
    "Our default policy lets at most 8 requests of one client out at once (`maxConcurrent`, see " +
    `[resilience](resilience.md)): the ${s.concurrency} callers queue in the client. The last row raises the ` +
    `cap to ${s.concurrency}.`,
    "",
    perCallTable(p.concurrent, false),
    "",
    "### Allocation and fibers per call",
    "",
    ...(allocation === undefined ? [phaseNote(r.allocation)] : [
      `In a fresh process (\`--expose-gc\`, semi-space 64 MiB) against the same server: per contender, after ` +
      `300 warm-up calls, rounds of ${allocation.calls} sequential calls, each between a forced full GC and a ` +
      "read of `process.memoryUsage().heapUsed`: with no GC during the round, the growth of the heap is what " +
      "the calls allocated on the V8 heap (Node 20 has no allocation counter; Buffers' backing stores live " +
      "outside the heap and are not counted). A round during which a GC ran (a `PerformanceObserver` sees it) " +
      "is discarded. Fibers are read from Effect's global fiber-id counter, which every fiber started in any " +
      "runtime of the process advances; for the Promise API that includes the fiber `runFork` starts per call.",
      "",
      allocationTable(allocation)
    ]),
    "",
    "### Targets",
    "",
    ...perCallVerdict(p, "promise", "Promise API, no tracer (target 1)"),
    ...perCallVerdict(p, "effect-traced", "Effect API with the recording tracer (target 1, traced)"),
    ...perCallVerdict(p, "effect", "for reference, the Effect API without a tracer"),
    ...(missed
      ? [
        "",
        "Measured floor: `undici.request` by hand, the transport underneath our client, takes " +
        `${ratio(undici.seqVsFetch)} the \`fetch\` loop sequentially and ${ratio(undici.concVsFetch)} at ` +
        `concurrency ${s.concurrency}; the bare Effect \`HttpClient\`, with no policy at all, takes ` +
        `${ratio(bare.seqVsFetch)} and ${ratio(bare.concVsFetch)}. Also measured in this run: our Promise ` +
        `API with \`maxConcurrent: ${s.concurrency}\` takes ${ratio(tuned)} the \`fetch\` loop at concurrency ` +
        `${s.concurrency}, the Effect API without a tracer ${ratio(effect.seqVsFetch)} / ` +
        `${ratio(effect.concVsFetch)}. The CPU profile below shows where the Promise API's time goes.`
      ]
      : [])
  ].join("\n")
}

// 2. Burst ---------------------------------------------------------------------------------------

const burstSection = (r: Results): string => {
  const b: BurstResult | undefined = valueOf(r.burst)
  const calls = b?.settings.calls ?? 10_000
  const head = [
    `## 2. ${count(calls)} calls at once against a rate limit, ${(b?.settings.deadlineMs ?? 3_000) / 1000} s deadline`,
    ""
  ]
  if (b === undefined) return [...head, phaseNote(r.burst)].join("\n")
  const s = b.settings
  const tags = [...new Set(b.runs.flatMap((run) => Object.keys(run.outcomes)))].sort()
  const worst = Math.max(...b.runs.map((run) => run.worstLatenessMs))
  const unsettled = b.runs.reduce((n, run) => n + run.unsettled, 0)
  const met = unsettled === 0 && worst <= targets.burstSlackMs
  return [
    ...head,
    `${count(s.calls)} revocations started in one loop through one Promise-API client with ` +
    `\`resilience: { deadline: ${s.deadlineMs} }\` (the rest of the policy default, so 8 requests in flight at ` +
    `most), against \`MockVercelServer\` with a fixed window of ${s.limit} per ${s.windowMs / 1000} s. The client ` +
    "runs in a fresh process and the server in another, so that the event loop measured is the client's alone. " +
    "Each call's lateness is the time from its `tokens.delete(...)` to its promise settling, minus the deadline. " +
    "The event loop's delay is sampled with `perf_hooks.monitorEventLoopDelay` (1 ms resolution) from before the " +
    "first call to the last settlement; its maximum is the longest stall (an idle loop reads about 1 ms). The " +
    "loop that starts the calls is itself one stretch of the event loop (\"issuing the calls\" in the table); a " +
    "longest delay above it is the client's work after it.",
    "",
    "- fresh window: the burst opens the window, so the first " + `${s.limit} calls can go and the others must ` +
    "give up by their deadline, the window staying closed for longer than it.",
    `- exhausted window: just before the burst, ${s.limit} revocations sent by hand (\`fetch\`) with the same ` +
    `bearer use the whole window up; it stays closed for about ${s.windowMs / 1000} s, longer than the deadline, ` +
    "and the client does not know it until its first answer.",
    "",
    table(
      [
        "window",
        "latest settlement",
        "longest call",
        ...tags.map((t) => `\`${t}\``),
        "never settled",
        "requests the server saw (429s)",
        "longest event-loop delay",
        "p99 / mean delay",
        "issuing the calls",
        "`dispose()`"
      ],
      b.runs.map((run) => [
        run.case,
        lateness(run.worstLatenessMs),
        `${ms(run.longestCallMs)} ms`,
        ...tags.map((t) => String(run.outcomes[t] ?? 0)),
        String(run.unsettled),
        `${run.serverRequests} (${run.serverTooMany})`,
        `${ms(run.loopDelayMaxMs)} ms`,
        `${ms(run.loopDelayP99Ms)} / ${ms(run.loopDelayMeanMs)} ms`,
        `${ms(run.issueMs)} ms`,
        `${ms(run.disposeMs)} ms`
      ])
    ),
    "",
    ...b.runs.flatMap((run) =>
      run.messages.length === 0
        ? []
        : [
          `- ${run.case} window, the errors' messages (token ids elided): ${
            run.messages.map((m) => `“${m}”`).join("; ")
          }`
        ]
    ),
    "",
    `Target: every call settles by its deadline + ${targets.burstSlackMs} ms: the latest settled ` +
    `${lateness(worst)}${unsettled > 0 ? `, ${unsettled} calls never settled` : ""}, ${verdictWord(met)}.` +
    " The longest event-loop delay has no target figure; it is in the table."
  ].join("\n")
}

// 3. Rate limit ----------------------------------------------------------------------------------

const rateLimitRow = (run: RateLimitRun): ReadonlyArray<string> => {
  const ideal = idealOf(run)
  return [
    run.label,
    seconds(run.totalMs),
    `${seconds(ideal.idealMs)} (${ideal.windowsNeeded} windows, last ${seconds(ideal.lastWindowMs)})`,
    percent(ideal.share),
    `${run.succeeded} / ${run.scenario.calls}`,
    String(run.failed + run.notStarted),
    String(run.requests),
    `${run.tooManyRequests} (${run.windows.map((w) => w.tooManyRequests).join(" · ")})`,
    rateMet(run) ? "yes" : "no"
  ]
}

/** How late each window opened after the one before it had reset: the time the client left unused. */
const windowGaps = (run: RateLimitRun): string =>
  run.windows.slice(1).map((w, i) => ms(w.openedAtMs - run.windows[i].openedAtMs - run.scenario.windowMs)).join(", ")

const rateTable = (runs: ReadonlyArray<RateLimitRun>): string =>
  table(
    [
      "client",
      "total time",
      "allowed time",
      "of the allowed rate",
      "succeeded",
      "failed or not started",
      "requests sent",
      "429s (per window)",
      "≥ 97 % and ≤ 1 × 429 per later window"
    ],
    runs.map(rateLimitRow)
  )

const scenarioText = (s: RateLimitScenario): string =>
  `${s.calls} revocations, ${s.inFlight} in flight, ${s.limit} per ${s.windowMs / 1000} s`

const rateLimitSection = (r: Results): string => {
  const rate: RateLimitResult | undefined = valueOf(r.rateLimit)
  const head = ["## 3. Rate-limit efficiency", ""]
  if (rate === undefined) return [...head, phaseNote(r.rateLimit)].join("\n")
  const ours = rate.main.find((run) => run.client === "ours")!
  const noProbe = rate.main.find((run) => run.client === "ours-no-probe")!
  const met = rateMet(ours)
  const notes: Array<string> = []
  for (const run of [...rate.main, ...rate.short]) {
    const where = `${run.scenario.windowMs / 1000} s window, ${run.label}`
    if (run.notStarted > 0) {
      notes.push(`- ${where}: capped at ${run.scenario.capMs / 1000} s, ${run.notStarted} calls never started.`)
    }
    if (run.errors.length > 0) notes.push(`- ${where}: failed calls with ${run.errors.join("; ")}`)
  }
  return [
    ...head,
    `Revocations through each client against \`MockVercelServer\` with a fixed window per bearer (the window ` +
    "opens with the first request after the last one reset; every request, 429s included, counts against it; " +
    "`X-RateLimit-Reset` is in whole epoch seconds, rounded up, as Vercel sends it; 429s carry `Retry-After`). " +
    "Each client gets a fresh server in this process; the three runs of one window length go at the same time, " +
    "each against its own server: they wait for windows, they do not compete for the CPU. Our client runs with " +
    "its default policy (`maxConcurrent: 8`, `earlyProbe: true`), and with `earlyProbe: false`. `@vercel/sdk` " +
    "runs with its backoff retries on (`retryConfig: { strategy: \"backoff\", backoff: { initialInterval: 500, " +
    "maxInterval: 60000, exponent: 1.5, maxElapsedTime: 60000 }, retryConnectionErrors: true }`).",
    "",
    "**The allowed rate.** With `L` requests per window of `W` and `N` calls, at least `k = ⌈N / L⌉` windows are " +
    "needed. On this mock a window opens at the first request after the previous one has reset, so the `k`-th " +
    "window can open at the earliest `(k − 1) × W` after the first request, and the last window's calls then take " +
    "the time their round trips take. The allowed time is `(k − 1) × W` plus the client's own time from the " +
    "opening of the last window it used to its last completion (no waiting happens in it); the share of the " +
    "allowed rate is the allowed time over the client's total time (first call sent to last call settled), " +
    "scaled by the share of calls that succeeded. 100 % means the client opened every window the instant the " +
    "server allowed it.",
    "",
    `### ${scenarioText(rate.settings.main)} (the target)`,
    "",
    rateTable(rate.main),
    "",
    `![Requests completed over time, ${scenarioText(rate.settings.main)}](${r.chartFiles.main})`,
    "",
    `### ${scenarioText(rate.settings.short)}`,
    "",
    rateTable(rate.short),
    "",
    `![Requests completed over time, ${scenarioText(rate.settings.short)}](${r.chartFiles.short})`,
    "",
    "How late each window opened after the previous one reset (ms; the time the client left unused between windows):",
    "",
    ...[...rate.main, ...rate.short].map((run) =>
      `- ${run.scenario.windowMs / 1000} s window, ${run.label}: ${windowGaps(run)}`
    ),
    "",
    ...(notes.length > 0 ? [...notes, ""] : []),
    `Target: at least ${percent(targets.rateShare)} of the allowed rate at ${rate.settings.main.limit} per ` +
    `${rate.settings.main.windowMs / 1000} s, with at most ${targets.laterWindowTooMany} × 429 per window after the ` +
    `first: ${rateFigure(ours)}, ${verdictWord(met)}.` +
    (met ?
      "" :
      ` Measured floor: the allowed time above. Also measured: without probing, ${rateFigure(noProbe)}.`)
  ].join("\n")
}

// 4. Cold import ---------------------------------------------------------------------------------

const importSection = (r: Results): string => {
  const imports: ReadonlyArray<ImportTime> | undefined = valueOf(r.imports)
  const head = ["## 4. Cold import", ""]
  if (imports === undefined) return [...head, phaseNote(r.imports)].join("\n")
  const rows = imports.map((time) => {
    const m = medianImport(time)
    const none = time.specifiers.length === 0
    return [
      time.label,
      none ? "–" : ms(m.importMs),
      none ? "–" : `${ms(min(time.importMs))} – ${ms(max(time.importMs))}`,
      ms(m.processMs)
    ]
  })
  const adapter = medianImport(imports.find((t) => t.key === "adapter")!).importMs
  const floor = medianImport(imports.find((t) => t.key === "schema")!).importMs
  return [
    ...head,
    `Median of ${imports[0]?.importMs.length ?? 0} fresh \`node --input-type=module -e\` processes per row, ` +
    "alternating row by row: `await import(...)` timed inside the process with `performance.now()`, and the " +
    "whole process (start to exit) timed from outside. The first round is discarded, so the OS file cache is " +
    "warm; V8's module cache is cold in every process. The adapter is imported by the path of its build, " +
    "`packages/adapter/dist/index.js`; bare specifiers resolve from `bench/`.",
    "",
    table(["import", "import, ms (median)", "import: min – max", "whole process, ms (median)"], rows),
    "",
    `Target: ≤ ${targets.importMs} ms: ${ms(adapter)} ms, ${verdictWord(adapter <= targets.importMs)}. Against the ` +
    `floor, \`import("effect/Schema")\` alone (${ms(floor)} ms): ${ratio(adapter / floor)}, ` +
    `${adapter / floor <= targets.importVsFloor ? "within" : "not within"} ${ratio(targets.importVsFloor)} of it.`,
    "",
    importNotes
  ].join("\n")
}

/**
 * What stands between the floor and the adapter, as measured while working on it (one module after
 * another in fresh processes, `effect/Schema` first), and what was tried. Written by hand: a bench
 * run measures the totals above, not this breakdown.
 */
const importNotes = "What the adapter loads beyond `effect/Schema`, measured module after module in fresh " +
  "processes: `effect/Stream` (about 60–70 ms; the Effect API returns Streams, and `@effect/platform`'s " +
  "`HttpClientResponse` imports it anyway), `@effect/platform`'s HTTP modules (`HttpClientRequest` and " +
  "`HttpBody` with what they import, about 40–150 ms), core's own modules (about 60 ms, most of it building the " +
  "`Schema.TaggedError` classes and the models), `ManagedRuntime` (about 15 ms). undici is loaded when a client " +
  "is first used, not at import. Tried: loading core's engine and `@effect/platform`'s HTTP modules only when a " +
  "layer is built (`import()` inside `TokenService.make`). It took 100–150 ms off the import, but it made every " +
  "layer build asynchronous, so a test that forks a call and then moves the `TestClock` moved it before the " +
  "client existed; that breaks the promise that waits are driven exactly by `TestClock`, so it was reverted. " +
  "Only the transport (the adapter's undici client) loads lazily."

// 5. Install -------------------------------------------------------------------------------------

const installSection = (r: Results): string => {
  const i: InstallResult | undefined = valueOf(r.install)
  const head = ["## 5. A consumer's install", ""]
  if (i === undefined) return [...head, phaseNote(r.install)].join("\n")
  const mb = installMB(i.nodeModulesKiB)
  const groups = (["effect", "undici", "ours", "other"] as const).map((g) => {
    const ps = i.packages.filter((p) => p.group === g && p.kib > 0)
    return [g, ps.length, ps.reduce((n, p) => n + p.kib, 0)] as const
  })
  const groupName = {
    effect: "`effect`, `@effect/platform` and their dependencies",
    undici: "`undici`",
    ours: "`@vercel-auth/core`, `@vercel-auth/adapter`",
    other: "anything else"
  }
  const extra = i.packages.filter((p) => p.group === "other")
  const scripts = i.packages.filter((p) => p.hasInstallScript)
  const otherScripts = scripts.filter((p) => !p.name.endsWith("msgpackr-extract"))
  const otherWarnings = i.warnings.filter((w) => !w.includes("msgpackr-extract"))
  const met = mb <= targets.installMB && extra.length === 0 && otherScripts.length === 0 && otherWarnings.length === 0
  return [
    ...head,
    "In a fresh temporary folder: `pnpm pack` in `packages/core` and `packages/adapter` (as " +
    "`scripts/check-packages.mjs` packs them), `npm init -y`, then, from the public registry:",
    "",
    "```",
    i.command,
    "```",
    "",
    `(npm ${i.npmVersion}, ${seconds(i.installMs)}; \`--no-audit --no-fund\` only silence the audit and funding ` +
    "notices, and npm runs without the `npm_*` variables `pnpm bench` sets for its script, as in a consumer's " +
    "own shell.) `du -sk node_modules` gives the size (1 MB = 10^6 bytes); npm's lockfile gives every package, " +
    "which of them have install scripts (`hasInstallScript`), and, by following `dependencies`, " +
    "`optionalDependencies` and `peerDependencies` from `effect` and `@effect/platform`, which are theirs.",
    "",
    table(["", "packages", "size (du)"], [
      ["`node_modules`", String(i.packages.filter((p) => p.kib > 0).length), `${mb.toFixed(1)} MB`],
      ...groups.map(([g, n, k]) => [groupName[g], String(n), `${installMB(k).toFixed(1)} MB`])
    ]),
    "",
    `Largest: ${
      i.packages.slice(0, 6).map((p) => `${p.name} ${p.version} ${installMB(p.kib).toFixed(1)} MB`).join(", ")
    }.`,
    "",
    `- Beyond \`effect\`, \`@effect/platform\`, their dependencies and \`undici\`: ${
      extra.length === 0 ? "none" : extra.map((p) => `${p.name} ${p.version}`).join(", ")
    }.`,
    `- Install scripts: ${
      scripts.length === 0
        ? "none"
        : scripts.map((p) => `${p.name} ${p.version}${p.optional ? " (optional)" : ""}`).join(", ")
    }.`,
    `- npm's warnings: ${
      i.warnings.length === 0
        ? "none"
        : `${i.warnings.length}, ${otherWarnings.length} of them not about \`msgpackr-extract\`:`
    }`,
    ...(i.warnings.length === 0 ? [] : ["", "```", ...i.warnings, "```"]),
    "",
    `Target: ≤ ${targets.installMB} MB, nothing beyond those packages, no install script or warning beyond ` +
    `\`msgpackr-extract\`'s: ${mb.toFixed(1)} MB, ${verdictWord(met)}.` +
    (met
      ? ""
      : ` Measured floor: \`effect\`, \`@effect/platform\` and their dependencies alone take ${
        installMB(groups[0][2]).toFixed(1)
      } MB.`)
  ].join("\n")
}

// 6. Memory --------------------------------------------------------------------------------------

const rssTable = (runs: ReadonlyArray<RssRun>, every: number): string => {
  const sampled = runs[0]?.samples.map((sample) => sample.calls) ?? []
  return table(
    [
      "client",
      "calls",
      "µs per call (run at once)",
      "RSS first / last / max",
      "heap after GC first / last / max",
      ...sampled.map((n) => n === 0 ? "heap at 0" : `${n / 1000}k`)
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

const memorySection = (r: Results): string => {
  const rss = valueOf(r.rss)
  const head = [`## 6. Memory over ${count(r.rssCalls)} revocations`, ""]
  if (rss === undefined) return [...head, phaseNote(r.rss)].join("\n")
  const ours = rss.find((run) => run.label.startsWith("vercel-auth"))
  const m = memoryGrowth(ours?.samples.map((s) => s.heapUsedMiB) ?? [])
  return [
    ...head,
    "Sequential revocations through one client in a fresh process (`--expose-gc`) against the fast server, " +
    "after a warm-up of 1 000 calls. At each sample RSS is read as the process has it, then a full GC runs " +
    "and the heap in use is read: a leak shows there. The two clients run at the same time, each in its own " +
    "process, against one server: memory is what is measured here, and their µs per call (shown for the " +
    "record) are slower than in benchmark 1 because they share two cores.",
    "",
    rssTable(rss, r.rssEvery),
    "",
    `Target: flat. Our client's heap after GC went from ${mib(m.settled)} after the first ${r.rssEvery / 1000}k ` +
    `calls to ${mib(m.last)} at the end (${m.growth >= 0 ? "+" : ""}${m.growth.toFixed(1)} MiB; flat means under ` +
    `${targets.memoryGrowthMiB} MiB): ${verdictWord(m.growth < targets.memoryGrowthMiB)}.`
  ].join("\n")
}

// 7. CLI -----------------------------------------------------------------------------------------

const cliSection = (r: Results): string => {
  const c: CliResult | undefined = valueOf(r.cli)
  const head = ["## 7. CLI start-up", ""]
  if (c === undefined) return [...head, phaseNote(r.cli)].join("\n")
  const met = c.medianMs <= targets.cliMs
  const list = (values: ReadonlyArray<number>) => values.map((v) => v.toFixed(0)).join(", ")
  return [
    ...head,
    "`bench/src/cliStartup.ts`: the wall time of fresh `node packages/cli/dist/vercel-auth.mjs --help` " +
    "processes (the bundle `vercel-auth` runs), spawn to exit, after one discarded run; `node -e 0` is " +
    `measured before each sample as the floor. The bundle measured was written ${c.builtAt}.`,
    "",
    table(["", "median", "samples (ms, in order)"], [
      [`\`vercel-auth ${c.args.join(" ")}\``, `${ms(c.medianMs)} ms`, list(c.samplesMs)],
      ["floor: `node -e 0`", `${ms(c.nodeMedianMs)} ms`, list(c.nodeSamplesMs)]
    ]),
    "",
    `Target: ≤ ${targets.cliMs} ms: ${ms(c.medianMs)} ms, ${verdictWord(met)}.` +
    (met
      ? ""
      : ` Measured floor: \`node -e 0\` takes ${ms(c.nodeMedianMs)} ms in the same minutes, so a fresh \`node\` ` +
        `alone is ${c.nodeMedianMs <= targets.cliMs ? "within" : "over"} the ${targets.cliMs} ms; the medians ` +
        `differ by ${ms(c.medianMs - c.nodeMedianMs)} ms.`)
  ].join("\n")
}

// 8. Fleet ---------------------------------------------------------------------------------------

const fleetRow = (run: FleetRun): ReadonlyArray<string> => [
  String(run.processes),
  run.gate === "redis" ? "Redis" : "in memory (one per process)",
  seconds(run.totalMs),
  `${run.succeeded} / ${run.failed}`,
  String(run.requests),
  String(run.tooManyRequests),
  percent(run.shareOfRate),
  `${ms(run.gateMedianMs)} / ${ms(run.gateP99Ms)}`,
  `${run.takes.Go} / ${run.takes.Hold} / ${run.takes.Pending}`,
  String(run.warnings)
]

const fleetSection = (r: Results): string => {
  const f: FleetResult | undefined = valueOf(r.fleet)
  const head = ["## 8. A fleet of processes on one token", ""]
  if (f === undefined) return [...head, phaseNote(r.fleet)].join("\n")
  const s = f.settings
  const header = [
    "processes",
    "gate",
    "total time",
    "revoked / failed",
    "requests",
    "429s",
    "of the server's rate",
    "take + give, median / p99 (ms)",
    "takes: go / hold / pending",
    "warnings"
  ]
  return [
    ...head,
    `\`bench/src/fleet.ts\`: ${s.calls} revocations on one token shared out over ${s.processes.join(" and ")} ` +
    `processes (each \`packages/redis/test/fleetChild.ts\`, bundled with esbuild, \`maxConcurrent: ` +
    `${s.maxConcurrent}\` each), against \`MockVercelServer\` with ${s.limit} per ${s.windowMs / 1000} s; the ` +
    "rate-limit gate in each process's memory (the default) or shared through Redis (`@vercel-auth/redis`, a " +
    "throwaway `redis-server` on loopback). The share of the server's rate is calls per second over " +
    `${s.limit} per ${s.windowMs / 1000} s (above 100 % is possible thanks to the first window).`,
    ...(f.skipped === undefined ? [] : ["", `**${f.skipped}.**`]),
    "",
    table(header, f.runs.map(fleetRow)),
    "",
    ...f.runs.flatMap((run) =>
      run.errors.length === 0 ? [] : [`- ${run.processes} processes, ${run.gate}: ${run.errors.join("; ")}`]
    ),
    "",
    `What the gate adds to each call: one process, one call at a time, no rate limit (${s.latencyCalls} calls):`,
    "",
    table(
      ["gate", "calls", "ms per call", "take + give, median / p99 (ms)"],
      f.latency.map((run) => [
        run.gate === "redis" ? "Redis" : "in memory",
        String(run.succeeded),
        ms(run.totalMs / run.succeeded),
        `${ms(run.gateMedianMs)} / ${ms(run.gateP99Ms)}`
      ])
    ),
    "",
    "No target figure was set for the fleet; these are reported as measured."
  ].join("\n")
}

// Information ------------------------------------------------------------------------------------

const bundleSection = (r: Results): string => {
  const bundles = valueOf(r.bundles)
  const head = ["### Bundle size", ""]
  if (bundles === undefined) return [...head, phaseNote(r.bundles)].join("\n")
  return [
    ...head,
    "A program that only revokes one token, bundled with esbuild (ESM, `platform: \"node\"`, minified, " +
    "everything inlined), then gzipped with zlib at level 9. The last column attributes the minified bytes to " +
    "packages (esbuild's metafile). Our adapter carries its transport (undici, which it drives directly); " +
    "`@vercel/sdk` uses Node's built-in `fetch`, so no HTTP client is in its bundle.",
    "",
    table(
      ["program", "entry", "minified", "gzipped", "largest parts (minified)"],
      bundles.map((b) => [
        b.label,
        `\`bench/src/${b.entry.replace(/\.js$/, ".ts")}\``,
        kib(b.minifiedBytes),
        kib(b.gzippedBytes),
        b.byPackage.slice(0, 5).map(([name, bytes]) => `${name} ${kib(bytes)}`).join(", ")
      ])
    )
  ].join("\n")
}

const profileSection = (r: Results): string => {
  const p = valueOf(r.profile)
  const head = ["### Where the time goes (CPU profile)", ""]
  if (p === undefined) return [...head, phaseNote(r.profile)].join("\n")
  const total = p.busyMs
  return [
    ...head,
    "The sequential Promise benchmark alone in a fresh process, profiled by V8's sampling profiler (through " +
    "`node:inspector`, started after a warm-up of 500 calls, so that loading and compiling are left out) over " +
    `${p.calls} calls (${us((p.wallMs * 1000) / p.calls)} µs per call under the profiler), against the fast ` +
    `server in another process. Self time by package, of ${ms(total)} ms sampled on the CPU; the process was ` +
    `idle (waiting for the server) another ${ms(p.idleMs)} ms.`,
    "",
    table(["package", "self time", "share"], p.byPackage.map(([name, t]) => [name, `${ms(t)} ms`, percent(t / total)])),
    "",
    "The functions with the most self time (lines are in the compiled `.js`):",
    "",
    table(
      ["function", "package", "where", "self time", "share"],
      p.top.map((f) => [
        `\`${f.name}\``,
        f.pkg,
        f.location === "" ? "–" : `\`${f.location}\``,
        `${ms(f.selfMs)} ms`,
        percent(f.selfMs / total)
      ])
    ),
    "",
    profileNotes(p, valueOf(r.perCall))
  ].join("\n")
}

export const renderReport = (r: Results): string =>
  [
    "# Benchmarks",
    "",
    "<!-- Written by `pnpm bench` (bench/src/run.ts); edits here are overwritten on the next run. -->",
    "",
    "vercel-auth against raw undici, a hand-written `fetch` loop and `@vercel/sdk`, on loopback, and what it " +
    "costs to install, import and start. Run `pnpm bench` to reproduce (`node bench/dist/run.js --quick` " +
    "checks the harness in about two minutes and writes to `bench/.bench-tmp/` instead); it rewrites this page " +
    "and the rate-limit charts.",
    "",
    ...(r.quick
      ? ["**This is a `--quick` run: every phase shrunk, the figures are not the targets' settings.**", ""]
      : []),
    machineSection(r),
    "",
    "<details><summary>Time and load average of each phase, in the order they ran</summary>",
    "",
    phasesTable(r),
    "",
    "</details>",
    "",
    "## Targets",
    "",
    "Each target of the issues, this run's figure for it, and the verdict. The sections below have the setup, " +
    "the tables, the floor measured and what else was measured when a target is missed.",
    "",
    targetsSection(r),
    "",
    "The same, as the README quotes it:",
    "",
    ...readmeLines(r),
    "",
    perCallSection(r),
    "",
    burstSection(r),
    "",
    rateLimitSection(r),
    "",
    importSection(r),
    "",
    installSection(r),
    "",
    memorySection(r),
    "",
    cliSection(r),
    "",
    fleetSection(r),
    "",
    "## Information",
    "",
    "No target; kept because they explain the figures above.",
    "",
    bundleSection(r),
    "",
    profileSection(r),
    ""
  ].join("\n")
