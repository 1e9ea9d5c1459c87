/**
 * The packages as users get them: built, packed by pnpm (which turns `workspace:^` into versions),
 * installed with plain npm into a fresh folder, then loaded there by `import`, by `require()` and by
 * TypeScript, each revoking tokens on a loopback MockVercelServer run by this test.
 */
import { afterAll, beforeAll, describe, expect, it } from "@effect/vitest"
import { MockVercelServer } from "@vercel-auth/testing"
import { execFile } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { TOKEN } from "./support.js"

const root = fileURLToPath(new URL("../../../", import.meta.url))
const bin = (name: string) => join(root, "node_modules", ".bin", name)

interface Output {
  readonly stdout: string
  readonly stderr: string
}

const run = (command: string, args: ReadonlyArray<string>, cwd: string, timeout = 120_000): Promise<Output> =>
  new Promise((resolve, reject) => {
    execFile(command, args, { cwd, timeout, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } }, (
      error,
      stdout,
      stderr
    ) => {
      if (error) reject(new Error(`${command} ${args.join(" ")} failed: ${error.message}\n${stdout}\n${stderr}`))
      else resolve({ stdout, stderr })
    })
  })

/**
 * Node 20.19+ loads ES modules with `require()`. Some Node 20 releases announce it with an
 * ExperimentalWarning on stderr; that warning is expected and tolerated, any other output is not.
 */
const unexpectedStderr = (stderr: string) =>
  stderr.split("\n").filter((line) =>
    line.trim() !== "" &&
    !/ExperimentalWarning: .*(require|ES Module)/i.test(line) &&
    !line.includes("--trace-warnings")
  )

const esm = `
import { createVercelAuth, TokenNotFound, TokenService, VercelAuthNode } from "@vercel-auth/adapter"
import { Effect } from "effect"

const [baseUrl, token] = process.argv.slice(2)
const vercel = createVercelAuth({ token, baseUrl })
const first = await vercel.tokens.delete("tok_esm")
const again = await vercel.tokens.delete("tok_esm").catch((error) => error instanceof TokenNotFound ? error._tag : String(error))
await vercel.dispose()
const layer = await Effect.runPromise(
  Effect.flatMap(TokenService.TokenService, (tokens) => tokens.delete("tok_layer")).pipe(
    Effect.provide(VercelAuthNode.layer({ token, baseUrl }))
  )
)
console.log(JSON.stringify({ first, again, layer }))
`

const cjs = `
const { createVercelAuth, TokenNotFound } = require("@vercel-auth/adapter")

const [baseUrl, token] = process.argv.slice(2)
const vercel = createVercelAuth({ token, baseUrl })
vercel.tokens.delete("tok_cjs")
  .then(async (first) => {
    const again = await vercel.tokens.delete("tok_cjs").catch((error) => error instanceof TokenNotFound ? error._tag : String(error))
    console.log(JSON.stringify({ first, again }))
  })
  .finally(() => vercel.dispose())
`

const typed = `
import { createVercelAuth, type DeletedToken, type DeleteTokenError, TokenNotFound } from "@vercel-auth/adapter"
import type { Effect } from "effect"

const vercel = createVercelAuth({ token: "t", baseUrl: "http://127.0.0.1:1" })
export const promise: Promise<DeletedToken> = vercel.tokens.delete("tok", { signal: AbortSignal.timeout(1), missingOk: true })
export const effect: Effect.Effect<DeletedToken, DeleteTokenError, never> = vercel.effect.tokens.delete("tok")
export const isMissing = (error: unknown): boolean => error instanceof TokenNotFound && error.status === 404
`

describe("the packed packages, installed with npm", () => {
  let work = ""
  let consumer = ""
  let server: MockVercelServer.Server | undefined

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "vercel-auth-packaging-"))
    const packs = join(work, "packs")
    consumer = join(work, "consumer")
    mkdirSync(packs)
    mkdirSync(consumer)
    await run(bin("tsc"), ["-b"], root)
    for (const name of ["core", "testing", "adapter"]) {
      await run(bin("pnpm"), ["pack", "--pack-destination", packs], join(root, "packages", name))
    }
    const tarballs = readdirSync(packs).map((file) => join(packs, file))
    expect(tarballs).toHaveLength(3)
    // No "type": the folder holds an .mjs, a .cjs and an .mts file, each saying what it is.
    writeFileSync(join(consumer, "package.json"), JSON.stringify({ name: "consumer", private: true }))
    writeFileSync(join(consumer, "esm.mjs"), esm)
    writeFileSync(join(consumer, "cjs.cjs"), cjs)
    writeFileSync(join(consumer, "typed.mts"), typed)
    await run("npm", [
      "install",
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      ...tarballs,
      "effect@3.22.4",
      "@effect/platform@0.97.2"
    ], consumer)
    server = await MockVercelServer.start({ tokens: { [TOKEN]: ["tok_esm", "tok_layer", "tok_cjs"] } })
  }, 240_000)

  afterAll(async () => {
    await server?.close()
    if (work !== "") rmSync(work, { recursive: true, force: true })
  })

  it("works through an ESM import: Promise API, errors, VercelAuthNode layer", async () => {
    const { stderr, stdout } = await run(process.execPath, ["esm.mjs", server!.url, TOKEN], consumer, 30_000)
    expect(stderr).toBe("")
    expect(JSON.parse(stdout)).toEqual({
      first: { tokenId: "tok_esm" },
      again: "TokenNotFound",
      layer: { tokenId: "tok_layer" }
    })
  })

  it("works through require() from CommonJS, and the process exits once disposed", async () => {
    const { stderr, stdout } = await run(process.execPath, ["cjs.cjs", server!.url, TOKEN], consumer, 30_000)
    expect(unexpectedStderr(stderr)).toEqual([])
    expect(JSON.parse(stdout)).toEqual({ first: { tokenId: "tok_cjs" }, again: "TokenNotFound" })
  })

  it("type-checks for TypeScript users with NodeNext resolution", async () => {
    await run(
      bin("tsc"),
      [
        "--noEmit",
        "--strict",
        "--exactOptionalPropertyTypes",
        "--module",
        "nodenext",
        "--moduleResolution",
        "nodenext",
        "--target",
        "es2022",
        "--types",
        "node",
        "--typeRoots",
        join(root, "node_modules", "@types"),
        "typed.mts"
      ],
      consumer,
      60_000
    )
  })
}, 300_000)
