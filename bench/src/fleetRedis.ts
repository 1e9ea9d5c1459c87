/**
 * A throwaway `redis-server` for the fleet benchmark: a free 127.0.0.1 port, no persistence, ready
 * when it answers PING, killed when the benchmark ends however it ends.
 */
import { type ChildProcess, spawn } from "node:child_process"
import { accessSync, constants } from "node:fs"
import * as Net from "node:net"
import { delimiter, join } from "node:path"

export const findRedisServer = (): string | undefined => {
  for (const dir of [...(process.env.PATH ?? "").split(delimiter), "/usr/bin", "/usr/local/bin"]) {
    if (dir === "") continue
    try {
      accessSync(join(dir, "redis-server"), constants.X_OK)
      return join(dir, "redis-server")
    } catch {
      // not here
    }
  }
  return undefined
}

const freePort = (): Promise<number> =>
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

const ping = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const socket = Net.connect({ host: "127.0.0.1", port })
    const done = (ok: boolean) => {
      clearTimeout(timer)
      socket.destroy()
      resolve(ok)
    }
    const timer = setTimeout(() => done(false), 250)
    socket.on("error", () => done(false))
    socket.on("connect", () => socket.write("PING\r\n"))
    socket.on("data", (chunk) => done(chunk.toString("latin1").startsWith("+PONG")))
  })

const live = new Set<ChildProcess>()
process.on("exit", () => {
  for (const child of live) child.kill("SIGKILL")
})

export interface BenchRedis {
  readonly url: string
  readonly stop: () => Promise<void>
}

export const startBenchRedis = async (binary: string): Promise<BenchRedis> => {
  const port = await freePort()
  const child = spawn(binary, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], {
    stdio: "ignore"
  })
  live.add(child)
  // Kills the server within a second of the benchmark dying, however it dies.
  if (child.pid !== undefined) {
    const script = `while kill -0 ${process.pid} 2>/dev/null && kill -0 ${child.pid} 2>/dev/null; do sleep 1; done; ` +
      `kill -9 ${child.pid} 2>/dev/null`
    spawn("sh", ["-c", script], { stdio: "ignore", detached: true }).unref()
  }
  const exited = new Promise<void>((resolve) =>
    child.once("exit", () => {
      live.delete(child)
      resolve()
    })
  )
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM")
    const timer = setTimeout(() => child.kill("SIGKILL"), 2_000)
    await exited
    clearTimeout(timer)
  }
  for (let waited = 0; waited < 5_000; waited += 20) {
    if (await ping(port)) return { url: `redis://127.0.0.1:${port}`, stop }
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  await stop()
  throw new Error(`bench: redis-server did not answer PING on port ${port} within 5 s`)
}
