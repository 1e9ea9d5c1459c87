/**
 * The versions of what was measured, read from the packages the bench resolves.
 */
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

const names = ["effect", "@effect/platform", "@effect/platform-node", "undici", "@vercel/sdk", "esbuild"] as const

export const packageVersions = (): Record<string, string> =>
  Object.fromEntries(names.map((name) => {
    const file = fileURLToPath(new URL(`../node_modules/${name}/package.json`, import.meta.url))
    return [name, (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version]
  }))
