/**
 * Start-up of the `vercel-auth` executable: the wall time of fresh `node <bundle> --help` processes,
 * from spawn to exit, median of 7 (after one discarded run, so that the first measured process does
 * not pay for a cold file cache). `node -e 0` is measured alongside, sample by sample, as the floor:
 * on a loaded machine both move, and the difference is what the CLI costs.
 *
 * Standalone: `node bench/dist/cliStartup.js [--runs 7] [--budget 150] [--bin <path>] [-- <args>]`
 * (after `tsc -b`; it bundles the CLI first when `packages/cli/dist/vercel-auth.mjs` is missing).
 * With `--budget`, it exits 1 when the median is over that many milliseconds. After `--`, other
 * arguments than `--help` (a usage mistake such as `tokens list --unused-for 9x` times the start of
 * the program itself, without a network).
 */
import { spawnSync } from "node:child_process"
import { existsSync } from "node:fs"
import * as Os from "node:os"
import { performance } from "node:perf_hooks"
import { fileURLToPath, pathToFileURL } from "node:url"
import { median } from "./stats.js"

/** The bundle `pnpm --filter @vercel-auth/cli build` writes. */
export const defaultBin = fileURLToPath(new URL("../../packages/cli/dist/vercel-auth.mjs", import.meta.url))
const bundleScript = fileURLToPath(new URL("../../packages/cli/scripts/bundle.mjs", import.meta.url))

export interface CliStartupOptions {
  readonly bin?: string | undefined
  readonly args?: ReadonlyArray<string> | undefined
  /** Measured processes; default 7. */
  readonly runs?: number | undefined
}

export interface CliStartup {
  readonly bin: string
  readonly args: ReadonlyArray<string>
  /** Wall time of each `node <bin> <args>` process, in milliseconds, in the order run. */
  readonly samplesMs: ReadonlyArray<number>
  readonly medianMs: number
  /** Wall time of each `node -e 0` process, run just before each sample. */
  readonly nodeSamplesMs: ReadonlyArray<number>
  readonly nodeMedianMs: number
  /** The 1-minute load average when the measurement began and ended. */
  readonly loadAverage: readonly [number, number]
}

const time = (args: ReadonlyArray<string>): number => {
  const start = performance.now()
  const result = spawnSync(process.execPath, [...args], { stdio: ["ignore", "pipe", "pipe"], timeout: 30_000 })
  const ms = performance.now() - start
  // A usage mistake (exit 2) is a fair thing to time too; a crash or a timeout is not.
  if (result.status === null || result.status === 1) {
    throw new Error(
      `bench: node ${args.join(" ")} ended with ${String(result.status ?? result.signal)}: ${String(result.stderr)}`
    )
  }
  return ms
}

/** Measures `runs` fresh processes of the CLI, each after one of bare `node`. */
export const measureCliStartup = (options: CliStartupOptions = {}): CliStartup => {
  const bin = options.bin ?? defaultBin
  const args = options.args ?? ["--help"]
  const runs = options.runs ?? 7
  const loadStart = Os.loadavg()[0]!
  time(["-e", "0"])
  time([bin, ...args])
  const samplesMs: Array<number> = []
  const nodeSamplesMs: Array<number> = []
  for (let i = 0; i < runs; i++) {
    nodeSamplesMs.push(time(["-e", "0"]))
    samplesMs.push(time([bin, ...args]))
  }
  return {
    bin,
    args,
    samplesMs,
    medianMs: median(samplesMs),
    nodeSamplesMs,
    nodeMedianMs: median(nodeSamplesMs),
    loadAverage: [loadStart, Os.loadavg()[0]!]
  }
}

const flag = (argv: ReadonlyArray<string>, name: string): string | undefined => {
  const at = argv.indexOf(name)
  return at === -1 ? undefined : argv[at + 1]
}

const main = (argv: ReadonlyArray<string>): number => {
  const separator = argv.indexOf("--")
  const own = separator === -1 ? argv : argv.slice(0, separator)
  const bin = flag(own, "--bin") ?? defaultBin
  if (bin === defaultBin && !existsSync(bin)) {
    const built = spawnSync(process.execPath, [bundleScript], { stdio: "inherit" })
    if (built.status !== 0) return 1
  }
  const runs = Number(flag(own, "--runs") ?? 7)
  const budget = flag(own, "--budget")
  const result = measureCliStartup({ bin, runs, args: separator === -1 ? undefined : argv.slice(separator + 1) })
  const ms = (values: ReadonlyArray<number>) => values.map((value) => value.toFixed(0)).join(", ")
  process.stdout.write(
    [
      `vercel-auth ${result.args.join(" ")}: median ${result.medianMs.toFixed(1)} ms of ${runs} fresh processes (${
        ms(result.samplesMs)
      })`,
      `node -e 0 (the floor):  median ${result.nodeMedianMs.toFixed(1)} ms (${ms(result.nodeSamplesMs)})`,
      `difference: ${(result.medianMs - result.nodeMedianMs).toFixed(1)} ms; Node ${process.version}, ${
        Os.cpus()[0]?.model ?? "?"
      } x${Os.cpus().length}, load average ${result.loadAverage[0].toFixed(2)} → ${result.loadAverage[1].toFixed(2)}`
    ].join("\n") + "\n"
  )
  if (budget !== undefined && result.medianMs > Number(budget)) {
    process.stdout.write(`over the budget of ${budget} ms\n`)
    return 1
  }
  return 0
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = main(process.argv.slice(2))
}
