/**
 * Child processes of the benchmark: the fast server, and the measurements that need a fresh
 * process (memory, CPU profile). Each speaks one JSON message over IPC and is killed on timeout.
 */
import { type ChildProcess, fork } from "node:child_process"
import { fileURLToPath } from "node:url"

/** A module of this package's `dist/`, by file name. */
export const distModule = (name: string): string => fileURLToPath(new URL(`./${name}`, import.meta.url))

export interface Child<A> {
  readonly process: ChildProcess
  /** The first message the child sends. */
  readonly message: Promise<A>
  /** Resolves with the exit code once the child has exited. */
  readonly exited: Promise<number | null>
  readonly stop: () => Promise<void>
}

// A benchmark that fails or times out must not leave its children running.
const live = new Set<ChildProcess>()
process.on("exit", () => {
  for (const child of live) child.kill("SIGKILL")
})

export const startChild = <A>(
  name: string,
  args: ReadonlyArray<string> = [],
  execArgv: ReadonlyArray<string> = [],
  timeoutMs = 120_000
): Child<A> => {
  const child = fork(distModule(name), [...args], {
    execArgv: [...execArgv],
    stdio: ["ignore", "inherit", "inherit", "ipc"]
  })
  live.add(child)
  const exited = new Promise<number | null>((resolve) =>
    child.once("exit", (code) => {
      live.delete(child)
      resolve(code)
    })
  )
  const message = new Promise<A>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL")
      reject(new Error(`bench: child ${name} sent nothing within ${timeoutMs / 1000} s`))
    }, timeoutMs)
    child.once("message", (value) => {
      clearTimeout(timer)
      resolve(value as A)
    })
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`bench: child ${name} exited with code ${String(code)} before reporting`))
    })
  })
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    if (child.connected) child.disconnect()
    const timer = setTimeout(() => child.kill("SIGKILL"), 5_000)
    await exited
    clearTimeout(timer)
  }
  return { process: child, message, exited, stop }
}

/** Starts the fast server in a child process; `url` is its base URL. */
export const startFastServer = async (): Promise<{ readonly url: string; readonly stop: () => Promise<void> }> => {
  const child = startChild<{ url: string }>("fastServerChild.js", [], [], 20_000)
  const { url } = await child.message
  return { url, stop: child.stop }
}
