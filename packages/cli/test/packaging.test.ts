/**
 * The package as users get it: packed by pnpm (which runs `prepack`, the bundle), installed with
 * plain npm into a fresh folder with nothing else, then run through `npx vercel-auth`: the help, and
 * a real revocation against a MockVercelServer run by this test.
 */
import type { MockVercelServer } from "@vercel-auth/testing"
import { execFile } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { jsonLines, startServer, TOKEN } from "./support.js"

const root = fileURLToPath(new URL("../../../", import.meta.url))
const packageDir = fileURLToPath(new URL("../", import.meta.url))

interface Output {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/**
 * The environment of a consumer's own shell: a test run under `pnpm test` inherits the `npm_*`
 * settings pnpm exports for its scripts, which npm (and npx) would warn about as unknown.
 */
const consumerEnv = (): Record<string, string | undefined> =>
  Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)))

const run = (
  command: string,
  args: ReadonlyArray<string>,
  cwd: string,
  env: Readonly<Record<string, string>> = {},
  timeout = 180_000
): Promise<Output> =>
  new Promise((resolve, reject) => {
    execFile(command, args, { cwd, timeout, encoding: "utf8", env: { ...consumerEnv(), FORCE_COLOR: "0", ...env } }, (
      error,
      stdout,
      stderr
    ) => {
      if (error !== null && typeof error.code !== "number") {
        reject(new Error(`${command} ${args.join(" ")} failed: ${error.message}\n${stdout}\n${stderr}`))
      } else resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr })
    })
  })

const ok = async (promise: Promise<Output>): Promise<Output> => {
  const output = await promise
  if (output.code !== 0) throw new Error(`exit ${output.code}\n${output.stdout}\n${output.stderr}`)
  return output
}

describe("the packed CLI, installed with npm", () => {
  let work = ""
  let consumer = ""
  let server: MockVercelServer.Server | undefined

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "vercel-auth-cli-packaging-"))
    const packs = join(work, "packs")
    consumer = join(work, "consumer")
    mkdirSync(packs)
    mkdirSync(consumer)
    await ok(run(join(root, "node_modules", ".bin", "pnpm"), ["pack", "--pack-destination", packs], packageDir))
    const tarballs = readdirSync(packs).map((file) => join(packs, file))
    expect(tarballs).toHaveLength(1)
    writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true }))
    await ok(run("npm", ["install", "--no-audit", "--no-fund", "--loglevel=error", tarballs[0]!], consumer))
    server = await startServer()
  }, 300_000)

  afterAll(async () => {
    await server?.close()
    if (work !== "") rmSync(work, { recursive: true, force: true })
  })

  it("installs alone: the bundle needs no dependency", () => {
    expect(readdirSync(join(consumer, "node_modules")).filter((name) => !name.startsWith("."))).toEqual([
      "@vercel-auth"
    ])
    expect(readdirSync(join(consumer, "node_modules", "@vercel-auth"))).toEqual(["cli"])
    const installed = join(consumer, "node_modules", "@vercel-auth", "cli")
    expect(readdirSync(installed).sort()).toEqual(["LICENSE", "README.md", "dist", "package.json"])
    expect(readdirSync(join(installed, "dist")).sort()).toEqual([
      "THIRD-PARTY-LICENSES.txt",
      "chunks",
      "vercel-auth.mjs"
    ])
  })

  it("answers `npx vercel-auth --help`", async () => {
    const result = await run("npx", ["--no-install", "vercel-auth", "--help"], consumer)
    expect(result.code).toBe(0)
    expect(result.stderr).toBe("")
    expect(result.stdout).toContain("vercel-auth 0.1.0")
    expect(result.stdout).toContain("tokens revoke")
  })

  it("revokes through `npx vercel-auth tokens revoke`", async () => {
    const result = await run(
      "npx",
      ["--no-install", "vercel-auth", "tokens", "revoke", "tok_legacy", "--json"],
      consumer,
      { VERCEL_TOKEN: TOKEN, VERCEL_API_URL: server!.url }
    )
    expect(result.code).toBe(0)
    expect(result.stdout).not.toContain(TOKEN)
    expect(result.stderr).not.toContain(TOKEN)
    expect(jsonLines(result.stdout)).toEqual([
      expect.objectContaining({ tokenId: "tok_legacy", outcome: "revoked" }),
      { summary: { revoked: 1, alreadyRevoked: 0, failed: 0, wouldRevoke: 0 } }
    ])
    expect(server!.deleted()).toEqual(["tok_legacy"])
  })
}, 400_000)
