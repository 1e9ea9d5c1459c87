/**
 * Runs the real `vercel-auth` bundle as a subprocess against a MockVercelServer in this process, and
 * seeds the account every test starts from. Each run checks that the bearer token it was given
 * appears in neither stdout nor stderr.
 */
import { MockVercelServer } from "@vercel-auth/testing"
import { spawn } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { expect, inject } from "vitest"

/** The responder's own bearer secret; the server knows it as `tok_self`. */
export const TOKEN = "vca_responder_4f1c2e9b7a5d3c1e0f8a6b4d"

export const DAY = 86_400_000
export const HOUR = 3_600_000

/** The account every test starts from. Times count back from `now`. */
export const seeds = (now: number): ReadonlyArray<MockVercelServer.TokenSeed> => [
  { id: "tok_fresh", name: "ci-build", createdAt: now - 2 * DAY, activeAt: now - HOUR, expiresAt: now + 28 * DAY },
  {
    id: "tok_leaked_preview",
    name: "preview-bot",
    createdAt: now - 10 * DAY,
    activeAt: now - 2 * HOUR,
    leakedAt: now - 3 * HOUR,
    leakedUrl: "https://github.com/acme/site/blob/main/.env.preview"
  },
  {
    id: "tok_leaked_deploy",
    name: "ci-deploy",
    createdAt: now - 30 * DAY,
    activeAt: now - DAY,
    leakedAt: now - 20 * HOUR,
    leakedUrl: "https://gist.github.com/someone/0badc0de"
  },
  {
    id: "tok_expired",
    name: "temp-debug",
    createdAt: now - 40 * DAY,
    activeAt: now - 35 * DAY,
    expiresAt: now - 5 * DAY
  },
  { id: "tok_legacy", name: "legacy-import", createdAt: now - 400 * DAY, activeAt: now - 200 * DAY }
]

/** The responder's token: leaked too, so that `--leaked` would select it if it were allowed to. */
export const self = (now: number): MockVercelServer.TokenSeed => ({
  id: "tok_self",
  name: "responder-laptop",
  createdAt: now - 60 * DAY,
  activeAt: now - HOUR,
  expiresAt: now + 30 * DAY,
  leakedAt: now - 4 * HOUR
})

export const startServer = (options: MockVercelServer.Options = {}): Promise<MockVercelServer.Server> => {
  const now = Date.now()
  return MockVercelServer.start({
    tokens: { [TOKEN]: seeds(now) },
    selfIds: { [TOKEN]: self(now) },
    ...options
  })
}

export interface Result {
  readonly code: number | null
  readonly stdout: string
  readonly stderr: string
}

export interface RunOptions {
  /** VERCEL_TOKEN; `undefined` leaves it unset. Default: TOKEN. */
  readonly token?: string | undefined
  readonly apiUrl?: string | undefined
  readonly env?: Readonly<Record<string, string>> | undefined
  readonly timeoutMs?: number | undefined
  /** Secrets that must not appear in the output (TOKEN always is one). */
  readonly secrets?: ReadonlyArray<string> | undefined
}

/** The bundle built by the global setup. */
export const bin = (): string => inject("bin")

/** A running `vercel-auth`: its output so far, its pid, and its end. */
export interface Running {
  readonly output: () => { readonly stdout: string; readonly stderr: string }
  readonly pid: number
  readonly done: Promise<Result>
}

/** Starts `vercel-auth <args>` (killed after `timeoutMs`), with stdin closed (not a TTY). */
export const start = (args: ReadonlyArray<string>, options: RunOptions = {}): Running => {
  const token = "token" in options ? options.token : TOKEN
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? "",
    ...(token === undefined ? {} : { VERCEL_TOKEN: token }),
    ...(options.apiUrl === undefined ? {} : { VERCEL_API_URL: options.apiUrl }),
    ...options.env
  }
  const child = spawn(process.execPath, [bin(), ...args], { env, stdio: ["ignore", "pipe", "pipe"] })
  let stdout = ""
  let stderr = ""
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk))
  const done = new Promise<Result>((resolve, reject) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000)
    child.on("error", reject)
    child.on("close", (code) => {
      clearTimeout(timer)
      for (const secret of [TOKEN, ...(options.secrets ?? [])]) {
        expect(stdout).not.toContain(secret)
        expect(stderr).not.toContain(secret)
      }
      resolve({ code, stdout, stderr })
    })
  })
  return { output: () => ({ stdout, stderr }), pid: child.pid!, done }
}

/** Runs `vercel-auth <args>` to its end. */
export const run = (args: ReadonlyArray<string>, options: RunOptions = {}): Promise<Result> => start(args, options).done

/** Waits for `condition`, checking every 10 ms, for at most `timeoutMs`. */
export const until = async (condition: () => boolean, timeoutMs = 20_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("until: the condition did not hold in time")
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

/** `run` with `--api-url` pointing at `server`. */
export const runAt = (server: MockVercelServer.Server, args: ReadonlyArray<string>, options: RunOptions = {}) =>
  run([...args, "--api-url", server.url], options)

/** The JSON lines of stdout. */
export const jsonLines = (stdout: string): ReadonlyArray<Record<string, unknown>> =>
  stdout.split("\n").filter((line) => line.trim() !== "").map((line) => JSON.parse(line) as Record<string, unknown>)

/** A temporary file holding `content`, removed by the returned function. */
export const tempFile = (content: string): { readonly path: string; readonly remove: () => void } => {
  const dir = mkdtempSync(join(tmpdir(), "vercel-auth-cli-file-"))
  const path = join(dir, "token")
  writeFileSync(path, content, { mode: 0o600 })
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

/** The DELETE requests the server received. */
export const deletes = (server: MockVercelServer.Server) =>
  server.requests.filter((request) => request.method === "DELETE")

/**
 * Runs `vercel-auth <args>` on a pseudo-terminal (util-linux `script`), so that stdin, stdout and
 * stderr are all TTYs; `answer` is typed once `prompt` has appeared. `undefined` when `script` is
 * missing. Output arrives with the terminal's `\r\n` line ends.
 */
export const runOnTerminal = (
  args: ReadonlyArray<string>,
  options: { readonly prompt?: string; readonly answer?: string; readonly timeoutMs?: number } = {}
): Promise<Result | undefined> =>
  new Promise((resolve, reject) => {
    const quote = (word: string) => `'${word.replace(/'/g, "'\\''")}'`
    const command = [process.execPath, bin(), ...args].map(quote).join(" ")
    const child = spawn("script", ["-qec", command, "/dev/null"], {
      env: { PATH: process.env.PATH ?? "", VERCEL_TOKEN: TOKEN, TERM: "xterm" },
      stdio: ["pipe", "pipe", "pipe"]
    })
    let output = ""
    let answered = false
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk
      if (!answered && options.prompt !== undefined && output.includes(options.prompt)) {
        answered = true
        child.stdin.write(options.answer ?? "")
      }
    })
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (output += chunk))
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 30_000)
    child.on("error", (error: NodeJS.ErrnoException) => error.code === "ENOENT" ? resolve(undefined) : reject(error))
    child.on("close", (code) => {
      clearTimeout(timer)
      expect(output).not.toContain(TOKEN)
      resolve({ code, stdout: output, stderr: "" })
    })
  })
