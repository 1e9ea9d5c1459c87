/**
 * What the numbers were measured on: they mean little without it.
 */
import { spawnSync } from "node:child_process"
import * as Os from "node:os"
import { fileURLToPath } from "node:url"

export interface Machine {
  readonly cpu: string
  readonly cores: number
  readonly memoryGiB: number
  readonly os: string
  readonly node: string
  readonly date: string
}

export const describeMachine = (): Machine => {
  const cpus = Os.cpus()
  return {
    cpu: cpus[0]?.model.trim() ?? "unknown",
    cores: cpus.length,
    memoryGiB: Math.round((Os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${Os.type()} ${Os.release()} (${Os.arch()})`,
    node: process.version,
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z")
  }
}

/**
 * The code measured: the commit checked out and the files changed since, read with git's read-only
 * commands (`--no-optional-locks`, so not even the index is refreshed).
 */
export const describeTree = (): string => {
  const root = fileURLToPath(new URL("../../", import.meta.url))
  const git = (...args: ReadonlyArray<string>) =>
    spawnSync("git", ["--no-optional-locks", ...args], { cwd: root, encoding: "utf8", timeout: 10_000 })
  const head = git("rev-parse", "--short", "HEAD")
  if (head.status !== 0) return "unknown (no git)"
  const changed = git("status", "--porcelain", "--", "packages").stdout.split("\n").filter((l) => l.trim() !== "")
  return `commit ${head.stdout.trim()}` +
    (changed.length === 0
      ? ", no uncommitted change in `packages/`"
      : ` with ${changed.length} uncommitted change${changed.length === 1 ? "" : "s"} in \`packages/\` (${
        changed.map((l) => l.slice(3)).slice(0, 12).join(", ")
      }${changed.length > 12 ? ", …" : ""})`)
}
