/**
 * Information: one CPU profile of the sequential Promise benchmark (V8's sampling profiler, started
 * after the warm-up), reduced to self time per package and the functions with the most self time.
 */
import { mkdirSync, readFileSync, rmSync } from "node:fs"
import { join } from "node:path"
import { packageOf } from "./bundleSize.js"
import { startChild } from "./childProcess.js"

interface CallFrame {
  readonly functionName: string
  readonly url: string
  readonly lineNumber: number
  readonly columnNumber: number
}

interface ProfileNode {
  readonly id: number
  readonly callFrame: CallFrame
}

interface CpuProfile {
  readonly nodes: ReadonlyArray<ProfileNode>
  readonly samples: ReadonlyArray<number>
  readonly timeDeltas: ReadonlyArray<number>
}

export interface HotFunction {
  readonly name: string
  readonly pkg: string
  readonly location: string
  readonly selfMs: number
}

export interface ProfileResult {
  readonly calls: number
  readonly wallMs: number
  /** Sampled time, idle excluded. */
  readonly busyMs: number
  readonly idleMs: number
  readonly byPackage: ReadonlyArray<readonly [string, number]>
  readonly top: ReadonlyArray<HotFunction>
}

/** Where a sampled frame belongs: V8's pseudo-frames, Node's own modules, or the package of its file. */
const groupOf = (frame: CallFrame): string => {
  if (frame.url === "") {
    if (frame.functionName === "(garbage collector)") return "(garbage collector)"
    if (frame.functionName === "(idle)") return "(idle)"
    return "(V8 / native)"
  }
  if (frame.url.startsWith("wasm://")) return "llhttp (undici's HTTP parser, wasm)"
  if (frame.url.startsWith("node:")) {
    return frame.url.includes("deps/undici") ? "node (bundled undici of `fetch`)" : "node (core modules)"
  }
  const pkg = packageOf(frame.url.replace(/^file:\/\//, ""))
  return pkg === "(entry)" ? "bench harness" : pkg
}

/** A short location: the file path inside its package, and a 1-based line of the compiled `.js`. */
const locationOf = (frame: CallFrame): string => {
  if (frame.url === "") return ""
  const path = frame.url.replace(/^file:\/\//, "")
  const at = path.lastIndexOf("node_modules/")
  const rest = path.slice(at + "node_modules/".length)
  const inPackage = at >= 0
    ? rest.split("/").slice(rest.startsWith("@") ? 2 : 1).join("/")
    : path.replace(/^.*?\/(packages\/|bench\/)/, "$1")
  return `${inPackage}:${frame.lineNumber + 1}`
}

export const summarise = (profile: CpuProfile, calls: number, wallMs: number): ProfileResult => {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]))
  const selfUs = new Map<number, number>()
  // timeDeltas[i] is the time before sample i; the time after it belongs to it.
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i + 1] ?? 0
    selfUs.set(profile.samples[i], (selfUs.get(profile.samples[i]) ?? 0) + Math.max(0, delta))
  }
  const packages = new Map<string, number>()
  const functions = new Map<string, HotFunction>()
  let idleUs = 0
  for (const [id, us] of selfUs) {
    const frame = byId.get(id)!.callFrame
    const group = groupOf(frame)
    if (group === "(idle)") {
      idleUs += us
      continue
    }
    packages.set(group, (packages.get(group) ?? 0) + us)
    const location = locationOf(frame)
    const key = `${frame.functionName}|${location}`
    const name = frame.functionName === "" ? "(anonymous)" : frame.functionName
    const prev = functions.get(key)
    functions.set(key, { name, pkg: group, location, selfMs: (prev?.selfMs ?? 0) + us / 1000 })
  }
  const busyUs = [...packages.values()].reduce((a, b) => a + b, 0)
  return {
    calls,
    wallMs,
    busyMs: busyUs / 1000,
    idleMs: idleUs / 1000,
    byPackage: [...packages].map(([name, us]) => [name, us / 1000] as const).sort((a, b) => b[1] - a[1]),
    top: [...functions.values()].sort((a, b) => b.selfMs - a.selfMs).slice(0, 15)
  }
}

export const profilePromiseSequential = async (
  baseUrl: string,
  dir: string,
  runs: number,
  calls: number
): Promise<ProfileResult> => {
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const file = join(dir, "promise-sequential.cpuprofile")
  const child = startChild<{ totalMs: number }>(
    "profileChild.js",
    [baseUrl, String(runs), String(calls), file],
    [],
    120_000
  )
  const { totalMs } = await child.message
  await child.exited
  const profile = JSON.parse(readFileSync(file, "utf8")) as CpuProfile
  return summarise(profile, runs * calls, totalMs)
}
