/**
 * Benchmark 5: what a consumer installs. In a fresh temporary folder: `pnpm pack` of `packages/core`
 * and `packages/adapter` (as `scripts/check-packages.mjs` packs them: `workspace:^` becomes a version,
 * `files` applies), then `npm init -y` and `npm install <core.tgz> <adapter.tgz> effect@3
 * @effect/platform@0.97` from the public registry. Reported: the size of `node_modules` (`du -sk`),
 * every package installed beyond `effect`, `@effect/platform`, their own dependencies, `undici` and our
 * two, every package with an install script (npm's lockfile flags them), and npm's warnings.
 */
import { spawnSync } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { performance } from "node:perf_hooks"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("../../", import.meta.url))

export const installSpecs = ["effect@3", "@effect/platform@0.97"] as const
/** The script and warnings `@effect/platform`'s optional `msgpackr-extract` brings, which the target allows. */
export const allowedScript = "msgpackr-extract"

export interface InstalledPackage {
  readonly name: string
  readonly version: string
  /** `du -sk` of its folder in `node_modules`, in KiB (nested `node_modules` included). */
  readonly kib: number
  readonly hasInstallScript: boolean
  readonly optional: boolean
  /** Why it is there: ours, `effect`/`@effect/platform` or their dependencies, `undici`, or none of these. */
  readonly group: "ours" | "effect" | "undici" | "other"
}

export interface InstallResult {
  readonly npmVersion: string
  /** The command run in the consumer folder. */
  readonly command: string
  readonly tarballs: ReadonlyArray<string>
  readonly installMs: number
  /** `du -sk node_modules`, in KiB. */
  readonly nodeModulesKiB: number
  readonly packages: ReadonlyArray<InstalledPackage>
  /**
   * npm's warnings as printed: consecutive `npm warn <kind>` lines of the same kind are one warning
   * (npm prints a warning over several lines).
   */
  readonly warnings: ReadonlyArray<string>
}

/**
 * The environment of a consumer's own shell: without the `npm_*` variables `pnpm bench` sets for its
 * script (npm warns about the pnpm-only ones, `npm_config_verify_deps_before_run` …, as unknown).
 */
const consumerEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = { FORCE_COLOR: "0", npm_config_update_notifier: "false" }
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^npm_/i.test(key) && key !== "PNPM_SCRIPT_SRC_DIR" && key !== "INIT_CWD") env[key] = value
  }
  return env
}

const run = (command: string, args: ReadonlyArray<string>, cwd: string, timeout: number): string => {
  const result = spawnSync(command, [...args], {
    cwd,
    encoding: "utf8",
    timeout,
    env: consumerEnv()
  })
  if (result.status !== 0) {
    throw new Error(
      `bench: ${command} ${args.join(" ")} failed (${String(result.status ?? result.signal)}): ` +
        `${result.stdout ?? ""}${result.stderr ?? ""}${result.error?.message ?? ""}`.slice(0, 2_000)
    )
  }
  return `${result.stdout}\n${result.stderr}`
}

const duKiB = (path: string): number => Number(run("du", ["-sk", path], root, 30_000).trim().split(/\s+/)[0])

interface LockEntry {
  readonly version?: string
  readonly dependencies?: Readonly<Record<string, string>>
  readonly optionalDependencies?: Readonly<Record<string, string>>
  readonly peerDependencies?: Readonly<Record<string, string>>
  readonly hasInstallScript?: boolean
  readonly optional?: boolean
}

/** The packages reachable from `roots` through dependencies, optional and peer ones included (flat layout). */
const closure = (lock: Readonly<Record<string, LockEntry>>, roots: ReadonlyArray<string>): Set<string> => {
  const seen = new Set<string>()
  const stack = [...roots]
  while (stack.length > 0) {
    const name = stack.pop()!
    if (seen.has(name)) continue
    const entry = lock[`node_modules/${name}`]
    if (entry === undefined) continue
    seen.add(name)
    for (const deps of [entry.dependencies, entry.optionalDependencies, entry.peerDependencies]) {
      for (const dep of Object.keys(deps ?? {})) stack.push(dep)
    }
  }
  return seen
}

const warningsOf = (output: string): Array<string> => {
  const warnings: Array<{ kind: string; lines: Array<string> }> = []
  let previous: string | undefined
  for (const line of output.split("\n").map((l) => l.trimEnd())) {
    const match = /^npm warn(?:\s+(\S+))?/i.exec(line)
    if (match === null) {
      previous = undefined
      continue
    }
    const kind = match[1] ?? ""
    if (previous === kind && warnings.length > 0) warnings[warnings.length - 1].lines.push(line)
    else warnings.push({ kind, lines: [line] })
    previous = kind
  }
  return warnings.map((w) => w.lines.join("\n"))
}

export const measureInstall = (): InstallResult => {
  const work = mkdtempSync(join(tmpdir(), "vercel-auth-bench-install-"))
  try {
    const packs = join(work, "packs")
    const consumer = join(work, "consumer")
    mkdirSync(packs)
    mkdirSync(consumer)
    const pnpm = join(root, "node_modules", ".bin", "pnpm")
    for (const name of ["core", "adapter"]) {
      run(pnpm, ["pack", "--pack-destination", packs], join(root, "packages", name), 120_000)
    }
    const tarballs = readdirSync(packs).filter((file) => file.endsWith(".tgz")).sort()
    if (tarballs.length !== 2) throw new Error(`bench: expected 2 tarballs, got ${tarballs.join(", ")}`)
    run("npm", ["init", "-y"], consumer, 30_000)
    const args = ["install", "--no-audit", "--no-fund", ...tarballs.map((t) => join(packs, t)), ...installSpecs]
    const start = performance.now()
    const output = run("npm", args, consumer, 300_000)
    const installMs = performance.now() - start
    const npmVersion = run("npm", ["--version"], consumer, 30_000).trim()
    const modules = join(consumer, "node_modules")
    const lockFile = join(consumer, "package-lock.json")
    if (!existsSync(lockFile)) throw new Error("bench: npm wrote no package-lock.json")
    const lock = (JSON.parse(readFileSync(lockFile, "utf8")) as { packages: Record<string, LockEntry> }).packages
    const effectSide = closure(lock, ["effect", "@effect/platform"])
    const ourSide = new Set(["@vercel-auth/core", "@vercel-auth/adapter"])
    const packages: Array<InstalledPackage> = []
    for (const [key, entry] of Object.entries(lock)) {
      // Top-level packages only; a nested copy is counted in its parent's folder size.
      if (!/^node_modules\/(@[^/]+\/)?[^/]+$/.test(key)) continue
      const name = key.slice("node_modules/".length)
      const folder = join(modules, name)
      packages.push({
        name,
        version: entry.version ?? "?",
        kib: existsSync(folder) ? duKiB(folder) : 0,
        hasInstallScript: entry.hasInstallScript === true,
        optional: entry.optional === true,
        group: ourSide.has(name) ? "ours" : name === "undici" ? "undici" : effectSide.has(name) ? "effect" : "other"
      })
    }
    // Nested copies (`node_modules/a/node_modules/b`) can carry install scripts too.
    for (const [key, entry] of Object.entries(lock)) {
      if (key.split("node_modules/").length > 2 && entry.hasInstallScript === true) {
        packages.push({
          name: key.replace(/^node_modules\//, ""),
          version: entry.version ?? "?",
          kib: 0,
          hasInstallScript: true,
          optional: entry.optional === true,
          group: "other"
        })
      }
    }
    const warnings = warningsOf(output)
    return {
      npmVersion,
      command: `npm ${args.map((a) => a.startsWith(packs) ? `<packs>/${a.slice(packs.length + 1)}` : a).join(" ")}`,
      tarballs,
      installMs,
      nodeModulesKiB: duKiB(modules),
      packages: packages.sort((a, b) => b.kib - a.kib),
      warnings
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
}
