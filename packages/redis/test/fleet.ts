/**
 * Runs a fleet of `fleetChild.ts` processes. Child processes cannot use vitest's aliases, so the child
 * is bundled with esbuild first (about a second), with `@vercel-auth/*` resolved to the packages'
 * sources: no build is needed.
 */
import { build, type Plugin } from "esbuild"
import { type ChildProcess, fork } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { performance } from "node:perf_hooks"
import { fileURLToPath } from "node:url"
import type { FleetChildConfig, FleetChildReport } from "./fleetChild.js"

const packagesDir = fileURLToPath(new URL("../../", import.meta.url))

const workspaceSources: Plugin = {
  name: "workspace-sources",
  setup(b) {
    b.onResolve({ filter: /^@vercel-auth\/(core|testing|adapter|redis)(\/.*)?$/ }, (args) => {
      const [, name, sub] = /^@vercel-auth\/([^/]+)(?:\/(.*))?$/.exec(args.path)!
      return { path: join(packagesDir, name!, "src", `${sub ?? "index"}.ts`) }
    })
  }
}

export interface Bundle {
  readonly file: string
  readonly dispose: () => void
}

/** Bundles the child into a temporary `.mjs` (dependencies included, so it runs from anywhere). */
export const bundleChild = async (): Promise<Bundle> => {
  const dir = mkdtempSync(join(tmpdir(), "vercel-auth-fleet-"))
  const file = join(dir, "fleetChild.mjs")
  await build({
    entryPoints: [fileURLToPath(new URL("./fleetChild.ts", import.meta.url))],
    outfile: file,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "error",
    minify: true,
    plugins: [workspaceSources],
    // ioredis and undici's helpers are CommonJS and `require` Node's modules.
    banner: {
      js:
        "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);"
    }
  })
  return { file, dispose: () => rmSync(dir, { recursive: true, force: true }) }
}

export interface FleetOptions {
  readonly bundle: Bundle
  readonly processes: number
  readonly baseUrl: string
  readonly token: string
  readonly ids: ReadonlyArray<string>
  readonly redis?: string | undefined
  readonly prefix?: string | undefined
  readonly maxConcurrent: number
  readonly commandTimeoutMs?: number | undefined
  /** Every child is killed after this. */
  readonly timeoutMs: number
}

export interface FleetResult {
  readonly reports: ReadonlyArray<FleetChildReport>
  /** From `start` to the last report. */
  readonly elapsedMs: number
}

const live = new Set<ChildProcess>()
process.on("exit", () => {
  for (const child of live) child.kill("SIGKILL")
})

/** Splits `ids` round-robin into `n` shares. */
export const shares = <A>(ids: ReadonlyArray<A>, n: number): Array<Array<A>> =>
  Array.from({ length: n }, (_, i) => ids.filter((_, j) => j % n === i))

export interface Child {
  readonly process: ChildProcess
  /** The first message of `type` the child sent (or sends). */
  readonly next: <A>(type: string) => Promise<A>
  readonly exited: Promise<number | null>
}

/** Forks one bundled child with `config`; it answers `ready`, then waits for `{ type: "start" }`. */
export const startChild = (bundle: Bundle, config: FleetChildConfig): Child => {
  const child = fork(bundle.file, [JSON.stringify(config)], {
    execArgv: [],
    stdio: ["ignore", "inherit", "inherit", "ipc"]
  })
  live.add(child)
  const messages: Array<{ type: string }> = []
  const waiters: Array<() => void> = []
  child.on("message", (message) => {
    messages.push(message as { type: string })
    for (const wake of waiters.splice(0)) wake()
  })
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      live.delete(child)
      resolve(code)
      for (const wake of waiters.splice(0)) wake()
    })
  )
  const next = async <A>(type: string): Promise<A> => {
    for (;;) {
      const found = messages.find((m) => m.type === type)
      if (found !== undefined) return found as A
      if (child.exitCode !== null || child.signalCode !== null) {
        throw new Error(`fleet child exited (${child.exitCode ?? child.signalCode}) before sending ${type}`)
      }
      await new Promise<void>((resolve) => waiters.push(resolve))
    }
  }
  return { process: child, next, exited }
}

export const runFleet = async (options: FleetOptions): Promise<FleetResult> => {
  const children = shares(options.ids, options.processes).map((ids) =>
    startChild(options.bundle, {
      baseUrl: options.baseUrl,
      token: options.token,
      ids,
      redis: options.redis,
      prefix: options.prefix,
      maxConcurrent: options.maxConcurrent,
      commandTimeoutMs: options.commandTimeoutMs
    })
  )
  const timer = setTimeout(() => {
    for (const child of children) child.process.kill("SIGKILL")
  }, options.timeoutMs)
  try {
    await Promise.all(children.map((c) => c.next("ready")))
    const start = performance.now()
    for (const child of children) child.process.send({ type: "start" })
    const reports = await Promise.all(children.map((c) => c.next<FleetChildReport>("done")))
    const elapsedMs = performance.now() - start
    await Promise.all(children.map((c) => c.exited))
    return { reports, elapsedMs }
  } finally {
    clearTimeout(timer)
    for (const child of children) if (child.process.exitCode === null) child.process.kill("SIGKILL")
  }
}

/**
 * How many fixed windows the server opened, replaying its rule (a window opens with the first
 * request after the last one ended) on the arrival times it recorded.
 */
export const windowsOpened = (arrivals: ReadonlyArray<number>, windowMs: number): number => {
  let windows = 0
  let endsAt = -Infinity
  for (const at of [...arrivals].sort((a, b) => a - b)) {
    if (at >= endsAt) {
      windows++
      endsAt = at + windowMs
    }
  }
  return windows
}
