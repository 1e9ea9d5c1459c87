/**
 * Bundles the CLI once for the whole `cli` project, into a temporary folder (so that a concurrent
 * `pnpm build` or `pnpm pack` never swaps the file under a running test), and hands its path to the
 * tests as `inject("bin")`.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import type { TestProject } from "vitest/node"
// @ts-expect-error -- a plain ES module script without types
import { bundle } from "../scripts/bundle.mjs"

declare module "vitest" {
  export interface ProvidedContext {
    bin: string
  }
}

export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), "vercel-auth-cli-test-"))
  // VERCEL_AUTH_CLI_SINGLE_FILE=1 runs the suite on the one-file variant of the bundle.
  const { bin } = await bundle({ outdir: dir, singleFile: process.env.VERCEL_AUTH_CLI_SINGLE_FILE === "1" })
  project.provide("bin", bin)
  return () => rmSync(dir, { recursive: true, force: true })
}
