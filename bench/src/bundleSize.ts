/**
 * Benchmark 3a: what a program that only revokes a token ships. Each entry in `footprint/` is
 * bundled with esbuild (ESM, platform node, minified), gzipped with zlib at level 9, and the
 * minified bytes are attributed to the packages they came from.
 */
import { build } from "esbuild"
import { gzipSync } from "node:zlib"
import { distModule } from "./childProcess.js"

export interface BundleSize {
  readonly label: string
  readonly entry: string
  readonly minifiedBytes: number
  readonly gzippedBytes: number
  /** Minified bytes per package, largest first. */
  readonly byPackage: ReadonlyArray<readonly [string, number]>
  readonly warnings: number
}

export const bundleEntries: ReadonlyArray<{ readonly label: string; readonly entry: string }> = [
  { label: "vercel-auth, Promise API", entry: "footprint/promiseEntry.js" },
  { label: "vercel-auth, Effect API", entry: "footprint/effectEntry.js" },
  { label: "`@vercel/sdk` standalone function", entry: "footprint/sdkEntry.js" }
]

/** The package a bundled file came from, by its path. */
export const packageOf = (file: string): string => {
  const normalized = file.replace(/\\/g, "/")
  const at = normalized.lastIndexOf("node_modules/")
  if (at >= 0) {
    const [scope, name] = normalized.slice(at + "node_modules/".length).split("/")
    return scope.startsWith("@") ? `${scope}/${name}` : scope
  }
  const ours = /(?:^|\/)packages\/([^/]+)\//.exec(normalized)
  if (ours !== null) return `@vercel-auth/${ours[1]}`
  if (/(?:^|\/)bench\//.test(normalized)) return "(entry)"
  return "(other)"
}

export const measureBundle = async (label: string, entry: string): Promise<BundleSize> => {
  const result = await build({
    entryPoints: [distModule(entry)],
    bundle: true,
    minify: true,
    platform: "node",
    format: "esm",
    target: "node20",
    write: false,
    metafile: true,
    logLevel: "silent"
  })
  const output = result.outputFiles[0].contents
  const byPackage = new Map<string, number>()
  for (const meta of Object.values(result.metafile.outputs)) {
    for (const [file, input] of Object.entries(meta.inputs)) {
      const name = packageOf(file)
      byPackage.set(name, (byPackage.get(name) ?? 0) + input.bytesInOutput)
    }
  }
  return {
    label,
    entry,
    minifiedBytes: output.byteLength,
    gzippedBytes: gzipSync(output, { level: 9 }).byteLength,
    byPackage: [...byPackage].sort((a, b) => b[1] - a[1]),
    warnings: result.warnings.length
  }
}
