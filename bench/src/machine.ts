/**
 * What the numbers were measured on: they mean little without it.
 */
import * as Os from "node:os"

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
