/**
 * Each target of the issues, the figure this run measured for it, and the verdict: computed once for
 * the page's summary table, the sections, and the lines printed for the README.
 */
import { medianImport } from "./importTime.js"
import { count, lateness } from "./markdown.js"
import type { PerCallResult } from "./perCall.js"
import { idealOf, type RateLimitRun } from "./rateLimit.js"
import { type Phase, type Results, valueOf } from "./results.js"
import { median } from "./stats.js"

export const targets = {
  /** Promise API per call, at most this many times the hand-written fetch loop's, sequentially… */
  sequentialVsFetch: 0.6,
  /** …and at concurrency 50. */
  concurrentVsFetch: 0.8,
  /** A burst's calls settle by their deadline plus this. */
  burstSlackMs: 250,
  /** Share of the allowed rate the 10 s-window run reaches, at least. */
  rateShare: 0.97,
  /** 429s in any window after the first, at most. */
  laterWindowTooMany: 1,
  /** Median cold import of the adapter, in ms. */
  importMs: 250,
  /** The adapter's import within this many times the `effect/Schema` floor. */
  importVsFloor: 1.2,
  /** A consumer's `node_modules`, in MB (10^6 bytes). */
  installMB: 70,
  /** Heap after GC over 100 000 calls: growth from the first sample after warm-up, in MiB. */
  memoryGrowthMiB: 1,
  /** `vercel-auth --help`, median wall time of a fresh process, in ms. */
  cliMs: 150
}

export interface Verdict {
  /** The issue's number for it, as the page numbers the targets. */
  readonly id: string
  readonly what: string
  readonly target: string
  /** The figure measured, or why there is none. */
  readonly figure: string
  /** `undefined`: not measured in this run, or no target figure was set. */
  readonly met: boolean | undefined
  /** A figure reported beside a target, judged (if at all) by another row's criteria. */
  readonly reported?: boolean
}

/** The verdict cell: met / missed, or why there is none. */
export const verdictCell = (v: Verdict): string => {
  if (v.reported === true) {
    if (v.figure.startsWith("not measured") || v.figure.startsWith("phase failed")) return "not measured"
    return v.met === undefined ? "reported" : `reported (${v.met ? "met" : "missed"} by the same criteria)`
  }
  return verdictWord(v.met)
}

export const verdictWord = (met: boolean | undefined): string =>
  met === undefined ? "not measured" : met ? "**met**" : "**missed**"

const x = (value: number): string => `${value.toFixed(2)}×`
const pct = (value: number): string => `${(value * 100).toFixed(1)} %`

export const medianOf = (runs: PerCallResult["sequential"], key: string): number =>
  median(runs.find((r) => r.key === key)?.runsUs ?? [])

export interface Ratios {
  readonly seqVsFetch: number
  readonly concVsFetch: number
  readonly seqVsSdk: number
  readonly concVsSdk: number
}

export const ratiosOf = (perCall: PerCallResult, key: string): Ratios => {
  const seq = perCall.sequential
  const conc = perCall.concurrent
  return {
    seqVsFetch: medianOf(seq, key) / medianOf(seq, "fetch"),
    concVsFetch: medianOf(conc, key) / medianOf(conc, "fetch"),
    seqVsSdk: medianOf(seq, key) / medianOf(seq, "sdk"),
    concVsSdk: medianOf(conc, key) / medianOf(conc, "sdk")
  }
}

export const perCallMet = (r: Ratios): boolean =>
  r.seqVsFetch <= targets.sequentialVsFetch && r.concVsFetch <= targets.concurrentVsFetch && r.seqVsSdk < 1 &&
  r.concVsSdk < 1

const ratioFigure = (r: Ratios): string =>
  `${x(r.seqVsFetch)} the \`fetch\` loop sequentially, ${x(r.concVsFetch)} at concurrency 50; ` +
  `${x(r.seqVsSdk)} / ${x(r.concVsSdk)} \`@vercel/sdk\``

export const rateMet = (run: RateLimitRun): boolean => {
  const ideal = idealOf(run)
  return ideal.share >= targets.rateShare && ideal.laterWindowTooManyMax <= targets.laterWindowTooMany &&
    run.succeeded === run.scenario.calls
}

export const rateFigure = (run: RateLimitRun): string => {
  const ideal = idealOf(run)
  return `${pct(ideal.share)} of the allowed rate (${(run.totalMs / 1000).toFixed(2)} s against ` +
    `${
      (ideal.idealMs / 1000).toFixed(2)
    } s), ${run.tooManyRequests} × 429 (first window ${ideal.firstWindowTooMany}, ` +
    `at most ${ideal.laterWindowTooManyMax} in a later one), ${run.succeeded}/${run.scenario.calls} revoked`
}

/** Heap after GC: from the first sample after the first interval to the last, in MiB. */
export const memoryGrowth = (heapMiB: ReadonlyArray<number>): { settled: number; last: number; growth: number } => {
  const settled = heapMiB.length > 1 ? heapMiB[1] : heapMiB[0]
  const last = heapMiB[heapMiB.length - 1]
  return { settled, last, growth: last - settled }
}

export const installMB = (kib: number): number => (kib * 1024) / 1e6

const missing = <A>(phase: Phase<A>): string =>
  phase._tag === "Skipped"
    ? `not measured (${phase.reason})`
    : phase._tag === "Failed"
    ? `phase failed: ${phase.error.replace(/\s+/g, " ").slice(0, 240)}`
    : ""

export const verdicts = (r: Results): ReadonlyArray<Verdict> => {
  const out: Array<Verdict> = []
  const perCall = valueOf(r.perCall)
  const perCallTarget = `≤ ${x(targets.sequentialVsFetch)} the \`fetch\` loop sequentially, ≤ ${
    x(targets.concurrentVsFetch)
  } at concurrency 50, below \`@vercel/sdk\` in both`
  if (perCall === undefined) {
    out.push({
      id: "1",
      what: "Per call, Promise API, no tracer",
      target: perCallTarget,
      figure: missing(r.perCall),
      met: undefined
    })
    out.push({
      id: "1b",
      what: "Per call, recording tracer (Effect API)",
      target: "reported beside target 1, which is for no tracer",
      figure: missing(r.perCall),
      met: undefined,
      reported: true
    })
  } else {
    const promise = ratiosOf(perCall, "promise")
    const traced = ratiosOf(perCall, "effect-traced")
    out.push({
      id: "1",
      what: "Per call, Promise API, no tracer",
      target: perCallTarget,
      figure: ratioFigure(promise),
      met: perCallMet(promise)
    })
    out.push({
      id: "1b",
      what: "Per call, recording tracer (Effect API with `Effect.withTracer`; the Promise API takes no tracer)",
      target: "reported beside target 1, which is for no tracer",
      figure: ratioFigure(traced),
      met: perCallMet(traced),
      reported: true
    })
  }

  const burst = valueOf(r.burst)
  const burstTarget = `every call settles by its deadline + ${targets.burstSlackMs} ms`
  if (burst === undefined) {
    out.push({
      id: "2",
      what: "Concurrent calls against a rate limit, 3 s deadline",
      target: burstTarget,
      figure: missing(r.burst),
      met: undefined
    })
  } else {
    const s = burst.settings
    const worst = Math.max(...burst.runs.map((run) => run.worstLatenessMs))
    const unsettled = burst.runs.reduce((n, run) => n + run.unsettled, 0)
    out.push({
      id: "2",
      what: `${count(s.calls)} concurrent calls against a rate limit (${s.limit} per ${s.windowMs / 1000} s), ` +
        `deadline ${s.deadlineMs / 1000} s`,
      target: burstTarget,
      figure: burst.runs.map((run) =>
        `${run.case} window: latest settled ${lateness(run.worstLatenessMs)}, ${
          Object.entries(run.outcomes).map(([k, n]) => `${n} ${k}`).join(", ")
        }` +
        `${run.unsettled > 0 ? `, ${run.unsettled} never settled` : ""}; longest event-loop delay ` +
        `${run.loopDelayMaxMs.toFixed(0)} ms`
      ).join("; "),
      met: unsettled === 0 && worst <= targets.burstSlackMs
    })
  }

  const rate = valueOf(r.rateLimit)
  const rateTarget =
    `≥ ${pct(targets.rateShare)} of the allowed rate, at most ${targets.laterWindowTooMany} × 429 per ` +
    "window after the first"
  if (rate === undefined) {
    out.push({
      id: "3",
      what: "Rate limit, 100 per 10 s",
      target: rateTarget,
      figure: missing(r.rateLimit),
      met: undefined
    })
  } else {
    const ours = rate.main.find((run) => run.client === "ours")!
    const noProbe = rate.main.find((run) => run.client === "ours-no-probe")!
    const short = rate.short.find((run) => run.client === "ours")!
    const s = rate.settings.main
    out.push({
      id: "3",
      what: `Rate limit: ${s.calls} revocations, ${s.inFlight} in flight, ${s.limit} per ${s.windowMs / 1000} s`,
      target: rateTarget,
      figure: rateFigure(ours),
      met: rateMet(ours)
    })
    out.push({
      id: "3b",
      what: "the same without probing (`earlyProbe: false`)",
      target: "same as 3",
      reported: true,
      figure: rateFigure(noProbe),
      met: rateMet(noProbe)
    })
    out.push({
      id: "3c",
      what: `the same with a ${rate.settings.short.windowMs / 1000} s window (default policy)`,
      target: "same as 3",
      reported: true,
      figure: rateFigure(short),
      met: rateMet(short)
    })
  }

  const imports = valueOf(r.imports)
  if (imports === undefined) {
    out.push({
      id: "4",
      what: "Cold import of `@vercel-auth/adapter`",
      target: `≤ ${targets.importMs} ms`,
      figure: missing(r.imports),
      met: undefined
    })
  } else {
    const adapter = medianImport(imports.find((t) => t.key === "adapter")!).importMs
    const floor = medianImport(imports.find((t) => t.key === "schema")!).importMs
    const samples = imports[0]?.importMs.length ?? 0
    out.push({
      id: "4",
      what: "Cold import of `@vercel-auth/adapter`",
      target: `≤ ${targets.importMs} ms (median of ${samples})`,
      figure: `${adapter.toFixed(0)} ms`,
      met: adapter <= targets.importMs
    })
    out.push({
      id: "4b",
      what: "…within 1.2× of the floor, `import(\"effect/Schema\")` alone",
      target: `≤ ${x(targets.importVsFloor)} the floor`,
      figure: `${x(adapter / floor)} (floor ${floor.toFixed(0)} ms)`,
      met: adapter / floor <= targets.importVsFloor
    })
  }

  const install = valueOf(r.install)
  const installTarget =
    `≤ ${targets.installMB} MB; nothing beyond \`effect\`, \`@effect/platform\`, their dependencies and ` +
    "`undici`; no install script or warning beyond `msgpackr-extract`'s"
  if (install === undefined) {
    out.push({
      id: "5",
      what: "A consumer's install",
      target: installTarget,
      figure: missing(r.install),
      met: undefined
    })
  } else {
    const mb = installMB(install.nodeModulesKiB)
    const extra = install.packages.filter((p) => p.group === "other")
    const scripts = install.packages.filter((p) => p.hasInstallScript)
    const otherScripts = scripts.filter((p) => !p.name.endsWith("msgpackr-extract"))
    const otherWarnings = install.warnings.filter((w) => !w.includes("msgpackr-extract"))
    out.push({
      id: "5",
      what: "A consumer's install (`npm install` of the packed core and adapter, `effect@3`, `@effect/platform@0.97`)",
      target: installTarget,
      figure: `${mb.toFixed(1)} MB; beyond those: ${
        extra.length === 0 ? "none" : extra.map((p) => p.name).join(", ")
      }; ` +
        `install scripts: ${scripts.length === 0 ? "none" : scripts.map((p) => p.name).join(", ")}; ` +
        `warnings: ${
          install.warnings.length === 0
            ? "none"
            : `${install.warnings.length} (${otherWarnings.length} not about msgpackr-extract)`
        }`,
      met: mb <= targets.installMB && extra.length === 0 && otherScripts.length === 0 && otherWarnings.length === 0
    })
  }

  const rss = valueOf(r.rss)
  const ours = rss?.find((run) => run.label.startsWith("vercel-auth"))
  if (ours === undefined) {
    out.push({ id: "6", what: "Memory over 100 000 calls", target: "flat", figure: missing(r.rss), met: undefined })
  } else {
    const m = memoryGrowth(ours.samples.map((s) => s.heapUsedMiB))
    const calls = ours.samples[ours.samples.length - 1]?.calls ?? 0
    out.push({
      id: "6",
      what: `Memory over ${count(calls)} calls`,
      target: `flat: heap after GC grows < ${targets.memoryGrowthMiB} MiB after the first ${r.rssEvery / 1000}k calls`,
      figure: `${m.settled.toFixed(1)} → ${m.last.toFixed(1)} MiB (${m.growth >= 0 ? "+" : ""}${
        m.growth.toFixed(1)
      } MiB)`,
      met: m.growth < targets.memoryGrowthMiB
    })
  }

  const cli = valueOf(r.cli)
  if (cli === undefined) {
    out.push({
      id: "7",
      what: "CLI start-up, `vercel-auth --help`",
      target: `≤ ${targets.cliMs} ms`,
      figure: missing(r.cli),
      met: undefined
    })
  } else {
    out.push({
      id: "7",
      what: "CLI start-up, `vercel-auth --help`",
      target: `≤ ${targets.cliMs} ms (median of ${cli.samplesMs.length})`,
      figure: `${cli.medianMs.toFixed(0)} ms (floor \`node -e 0\`: ${cli.nodeMedianMs.toFixed(0)} ms)`,
      met: cli.medianMs <= targets.cliMs
    })
  }

  const fleet = valueOf(r.fleet)
  if (fleet === undefined) {
    out.push({
      id: "8",
      what: "Fleet on one token, in memory vs Redis",
      target: "no figure set",
      reported: true,
      figure: missing(r.fleet),
      met: undefined
    })
  } else {
    out.push({
      id: "8",
      what: "Fleet on one token, in memory vs Redis",
      target: "no figure set",
      reported: true,
      figure: fleet.runs.map((run) =>
        `${run.processes} × ${run.gate === "redis" ? "Redis" : "in memory"}: ${run.tooManyRequests} × 429, ` +
        `${pct(run.shareOfRate)} of the server's rate`
      ).join("; ") + (fleet.skipped === undefined ? "" : `; ${fleet.skipped}`),
      met: undefined
    })
  }
  return out
}

/** The lines for the README, one per target, in its own words. */
export const readmeLines = (r: Results): ReadonlyArray<string> =>
  verdicts(r).map((v) =>
    v.reported === true
      ? `- ${v.what}: ${v.figure} (${verdictCell(v)}).`
      : `- ${v.what}: ${v.figure}. Target ${v.target}: ${verdictCell(v)}.`
  )
