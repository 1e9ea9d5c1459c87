import { packageVersion } from "@vercel-auth/cli/internal/version"
import { readFileSync } from "node:fs"
import { expect, it } from "vitest"

it("reports the version in package.json", () => {
  const manifest = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
  expect(packageVersion).toBe(manifest.version)
})
