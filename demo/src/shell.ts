/**
 * Runs the real `vercel-auth` executable as a responder's shell would: a child process with the token
 * in its environment, stdin not a terminal (as in a script), stdout to the screen or to a file
 * (`> file`), stderr to the screen. What reaches the screen is kept in the order it arrived.
 */
import { spawn } from "node:child_process"
import { closeSync, existsSync, openSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

/** The bundle `node packages/cli/scripts/bundle.mjs` writes (the root `pnpm demo` builds it first). */
export const defaultBin = fileURLToPath(new URL("../../packages/cli/dist/vercel-auth.mjs", import.meta.url))

export interface Shell {
  /** The executable, `dist/vercel-auth.mjs` of `@vercel-auth/cli`. */
  readonly bin: string
  /** The working directory: where `> file` and `--token-file file` are. */
  readonly cwd: string
  /** The environment of every command: `VERCEL_TOKEN`, `VERCEL_API_URL`, and `PATH`. */
  readonly env: Readonly<Record<string, string>>
}

export interface Run {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
  /** What a terminal would have shown: stderr, and stdout unless it went to a file, in arrival order. */
  readonly screen: ReadonlyArray<string>
  readonly ms: number
}

export const checkBin = (bin: string): void => {
  if (!existsSync(bin)) {
    throw new Error(
      `the vercel-auth executable is not built (${bin}); \`pnpm demo\` builds it, or run \`node packages/cli/scripts/bundle.mjs\``
    )
  }
}

/** Runs `vercel-auth <args>`; with `stdoutTo`, its stdout goes to that file in `cwd`, as `> file` does. */
export const vercelAuth = (
  shell: Shell,
  args: ReadonlyArray<string>,
  options: { readonly stdoutTo?: string | undefined } = {}
): Promise<Run> =>
  new Promise((resolve, reject) => {
    const started = performance.now()
    const file = options.stdoutTo === undefined ? undefined : join(shell.cwd, options.stdoutTo)
    const fd = file === undefined ? undefined : openSync(file, "w", 0o600)
    const child = spawn(process.execPath, [shell.bin, ...args], {
      cwd: shell.cwd,
      env: shell.env,
      stdio: ["ignore", fd ?? "pipe", "pipe"]
    })
    if (fd !== undefined) closeSync(fd)
    const chunks: Array<{ readonly stream: "stdout" | "stderr"; readonly text: string }> = []
    child.stdout?.setEncoding("utf8").on("data", (text: string) => chunks.push({ stream: "stdout", text }))
    child.stderr?.setEncoding("utf8").on("data", (text: string) => chunks.push({ stream: "stderr", text }))
    child.once("error", reject)
    child.once("close", (code, signal) => {
      const of = (stream: "stdout" | "stderr") => chunks.filter((c) => c.stream === stream).map((c) => c.text).join("")
      const screen = chunks.map((c) => c.text).join("")
      resolve({
        code: code ?? (signal === null ? 1 : 128),
        stdout: file === undefined ? of("stdout") : readFileSync(file, "utf8"),
        stderr: of("stderr"),
        screen: screen === "" ? [] : screen.replace(/\n$/, "").split("\n"),
        ms: performance.now() - started
      })
    })
  })
