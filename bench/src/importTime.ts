/**
 * Benchmark 4: cold import time. Each sample is a fresh `node` process (no module cache; the OS
 * file cache is warm after the first), timing `await import(...)` inside it with `performance.now()`,
 * and the wall time of the whole process from outside. Contenders alternate, sample by sample.
 */
import { spawnSync } from "node:child_process"
import { performance } from "node:perf_hooks"
import { fileURLToPath, pathToFileURL } from "node:url"
import { median } from "./stats.js"

/** Bare specifiers resolve from the bench package, as they would in an application depending on them. */
const benchDir = fileURLToPath(new URL("../", import.meta.url))

export interface ImportTime {
  readonly key: ImportKey
  readonly label: string
  readonly specifiers: ReadonlyArray<string>
  readonly importMs: ReadonlyArray<number>
  readonly processMs: ReadonlyArray<number>
}

/** The built adapter, imported by its file, so that what is timed is certainly this tree's build. */
export const adapterEntry = fileURLToPath(new URL("../../packages/adapter/dist/index.js", import.meta.url))

export type ImportKey = "node" | "adapter" | "schema" | "effect" | "platform" | "sdk"

export const importSubjects: ReadonlyArray<
  { readonly key: ImportKey; readonly label: string; readonly specifiers: ReadonlyArray<string> }
> = [
  { key: "node", label: "`node` alone (no import)", specifiers: [] },
  {
    key: "adapter",
    label: "`@vercel-auth/adapter` (`packages/adapter/dist/index.js`)",
    specifiers: [pathToFileURL(adapterEntry).href]
  },
  // The floor: the adapter validates every answer with effect's Schema, which it cannot load for less.
  { key: "schema", label: "floor: `effect/Schema` alone", specifiers: ["effect/Schema"] },
  // For scale: what the adapter's own dependencies cost to load alone.
  { key: "effect", label: "(for scale) `effect/Effect` alone", specifiers: ["effect/Effect"] },
  {
    key: "platform",
    label: "(for scale) `@effect/platform/HttpClient` alone",
    specifiers: ["@effect/platform/HttpClient"]
  },
  {
    key: "sdk",
    label: "`@vercel/sdk` standalone function",
    specifiers: ["@vercel/sdk/core.js", "@vercel/sdk/funcs/authenticationDeleteAuthToken.js"]
  }
]

const sample = (specifiers: ReadonlyArray<string>): { importMs: number; processMs: number } => {
  const imports = specifiers.map((s) => `await import(${JSON.stringify(s)});`).join("")
  const code = `const t=performance.now();${imports}process.stdout.write(String(performance.now()-t))`
  const start = performance.now()
  const result = spawnSync(process.execPath, ["--input-type=module", "-e", code], {
    cwd: benchDir,
    encoding: "utf8",
    timeout: 20_000
  })
  const processMs = performance.now() - start
  if (result.status !== 0) throw new Error(`bench: importing ${specifiers.join(", ")} failed: ${result.stderr}`)
  return { importMs: Number(result.stdout), processMs }
}

export const measureImportTimes = (samples: number): ReadonlyArray<ImportTime> => {
  // One discarded round, so the first measured process does not pay for a cold file cache.
  for (const subject of importSubjects) sample(subject.specifiers)
  const results = importSubjects.map((s) => ({ ...s, importMs: [] as Array<number>, processMs: [] as Array<number> }))
  for (let i = 0; i < samples; i++) {
    for (const result of results) {
      const { importMs, processMs } = sample(result.specifiers)
      result.importMs.push(importMs)
      result.processMs.push(processMs)
    }
  }
  return results
}

export const medianImport = (time: ImportTime) => ({
  importMs: median(time.importMs),
  processMs: median(time.processMs)
})
