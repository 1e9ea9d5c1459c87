/**
 * A real `redis-server` per test file, on a free 127.0.0.1 port, without persistence, started and
 * stopped by the tests themselves (bounded waits, readiness by PING). Where `redis-server` is missing
 * the Redis tests are skipped with one line saying how to install it, except under `CI=true`, where
 * its absence fails the run: CI installs it (`.ci/run`).
 */
import { describe, it } from "@effect/vitest"
import { type ChildProcess, spawn } from "node:child_process"
import { accessSync, constants } from "node:fs"
import * as Net from "node:net"
import { delimiter, join } from "node:path"

const executable = (path: string): string | undefined => {
  try {
    accessSync(path, constants.X_OK)
    return path
  } catch {
    return undefined
  }
}

const findOnPath = (name: string): string | undefined => {
  const dirs = [...(process.env.PATH ?? "").split(delimiter), "/usr/bin", "/usr/local/bin", "/usr/sbin"]
  for (const dir of dirs) {
    const found = dir === "" ? undefined : executable(join(dir, name))
    if (found !== undefined) return found
  }
  return undefined
}

/** `REDIS_SERVER=/path/to/redis-server` picks the binary; a path that is not one means none (to try the skip and CI paths). */
export const redisServerPath: string | undefined = process.env.REDIS_SERVER === undefined
  ? findOnPath("redis-server")
  : executable(process.env.REDIS_SERVER)

const inCi = process.env.CI === "true" || process.env.CI === "1"

export const missingRedisLine =
  "Redis tests skipped: redis-server is not installed (install it with `apt-get install redis-server`)."

/**
 * `describe` for tests that need `redis-server`. `announce` prints the one line saying why they are
 * skipped (one file of the package does, so a run says it once).
 */
export const describeRedis = (name: string, body: () => void, options: { readonly announce?: boolean } = {}) => {
  if (redisServerPath !== undefined) return describe(name, body)
  if (inCi) {
    return describe(name, () => {
      it("needs redis-server, which CI installs", () => {
        throw new Error("redis-server is missing under CI=true: .ci/run installs it with apt-get install redis-server")
      })
    })
  }
  if (options.announce === true) process.stdout.write(`${missingRedisLine}\n`)
  return describe.skip(name, body)
}

/** A free TCP port on 127.0.0.1, as the OS hands it out. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const server = Net.createServer()
    server.once("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() =>
        typeof address === "object" && address !== null ? resolve(address.port) : reject(new Error("no port"))
      )
    })
  })

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** One PING over a raw socket, bounded: true on `+PONG`. */
export const ping = (port: number, timeoutMs = 250): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = Net.connect({ host: "127.0.0.1", port })
    let answer = ""
    const done = (ok: boolean) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(ok)
    }
    const timer = setTimeout(() => done(false), timeoutMs)
    socket.on("error", () => done(false))
    socket.on("connect", () => socket.write("PING\r\n"))
    socket.on("data", (chunk) => {
      answer += chunk.toString("latin1")
      if (answer.includes("\r\n")) done(answer.startsWith("+PONG"))
    })
  })

/** Sends one command over a raw socket and returns the first reply line, bounded. */
export const command = (port: number, line: string, timeoutMs = 1_000): Promise<string> =>
  new Promise((resolve, reject) => {
    const socket = Net.connect({ host: "127.0.0.1", port })
    let answer = ""
    const timer = setTimeout(() => {
      socket.destroy()
      reject(new Error(`redis: no answer to ${line} within ${timeoutMs} ms`))
    }, timeoutMs)
    socket.on("error", (error) => {
      clearTimeout(timer)
      reject(error)
    })
    socket.on("connect", () => socket.write(`${line}\r\n`))
    socket.on("data", (chunk) => {
      answer += chunk.toString("latin1")
      if (answer.includes("\r\n")) {
        clearTimeout(timer)
        socket.destroy()
        resolve(answer.slice(0, answer.indexOf("\r\n")))
      }
    })
  })

export interface RedisServer {
  readonly port: number
  readonly url: string
  /** Kills the server at once (SIGKILL): its state is lost, connections drop. */
  readonly kill: () => Promise<void>
  /** Starts it again on the same port, empty. */
  readonly restart: () => Promise<void>
  /** Freezes it (SIGSTOP): connections stay open and nothing answers. */
  readonly pause: () => void
  readonly resume: () => void
  /** Stops it for good; idempotent. */
  readonly stop: () => Promise<void>
}

// A test that fails or times out must not leave a server running.
const live = new Set<ChildProcess>()
process.on("exit", () => {
  for (const child of live) child.kill("SIGKILL")
})

const exited = (child: ChildProcess): Promise<void> =>
  child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once("exit", () => resolve()))

/**
 * Kills the server within a second of this process dying, however it dies (a worker killed on a
 * timeout runs no exit handler): a shell loop that watches both.
 */
const watchdog = (server: ChildProcess) => {
  if (server.pid === undefined) return
  const script = `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${server.pid} 2>/dev/null; do sleep 1; done; ` +
    `kill -9 ${server.pid} 2>/dev/null`
  spawn("sh", ["-c", script], { stdio: "ignore", detached: true }).unref()
}

const spawnServer = async (port: number): Promise<ChildProcess> => {
  if (redisServerPath === undefined) throw new Error(missingRedisLine)
  const child = spawn(
    redisServerPath,
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--loglevel", "warning"],
    { stdio: "ignore" }
  )
  live.add(child)
  child.once("exit", () => live.delete(child))
  watchdog(child)
  for (let waited = 0; waited < 5_000; waited += 20) {
    if (await ping(port)) return child
    if (child.exitCode !== null) break
    await sleep(20)
  }
  child.kill("SIGKILL")
  throw new Error(`redis-server did not answer PING on port ${port} within 5 s`)
}

/** Starts a server on `port` (a free one by default). */
export const startRedis = async (wanted?: number): Promise<RedisServer> => {
  const port = wanted ?? await freePort()
  let child: ChildProcess | undefined = await spawnServer(port)
  const kill = async () => {
    const current = child
    child = undefined
    if (current === undefined) return
    current.kill("SIGCONT")
    current.kill("SIGKILL")
    await exited(current)
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    kill,
    restart: async () => {
      await kill()
      child = await spawnServer(port)
    },
    pause: () => {
      child?.kill("SIGSTOP")
    },
    resume: () => {
      child?.kill("SIGCONT")
    },
    stop: kill
  }
}
