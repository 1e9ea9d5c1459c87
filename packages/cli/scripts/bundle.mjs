/**
 * Bundles the CLI into one file, `dist/vercel-auth.mjs`, with every library it uses inside (effect,
 * @effect/cli, @effect/platform(-node), undici, and this repository's core and adapter, taken from
 * their sources so that no prior `tsc -b` is needed). The licences of the bundled packages go to
 * `THIRD-PARTY-LICENSES.txt` beside it.
 *
 * Start-up is what this is about: one minified module instead of hundreds to resolve and load, and
 * two passes so that `--help` does not even evaluate that module. The first pass bundles the program
 * as it is; running it captures the help of every command (and `--version`) exactly as `@effect/cli`
 * renders it; the second pass bakes those texts into `src/internal/helpTexts.ts`, which `bin.ts`
 * answers from before it loads anything else.
 *
 * Usage: node scripts/bundle.mjs   (also `pnpm build` in this package, and `prepack`)
 */
import * as esbuild from "esbuild"
import { execFile } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join, relative, sep } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"

const packageDir = fileURLToPath(new URL("..", import.meta.url))
const packagesDir = join(packageDir, "..")
const defaultOutfile = join(packageDir, "dist", "vercel-auth.mjs")
const helpTextsModule = join(packageDir, "src", "internal", "helpTexts.ts")

/** Every command path with a help text of its own. */
export const commandPaths = [
  "",
  "tokens",
  "tokens list",
  "tokens get",
  "tokens create",
  "tokens revoke",
  "tokens rotate"
]

/** `@vercel-auth/core` and `@vercel-auth/adapter` (and their subpaths) resolve to their TypeScript sources. */
const workspaceSources = {
  name: "workspace-sources",
  setup(build) {
    build.onResolve({ filter: /^@vercel-auth\/(core|adapter)(\/.*)?$/ }, (args) => {
      const [, name, subpath] = /^@vercel-auth\/(core|adapter)(?:\/(.*))?$/.exec(args.path)
      if (subpath?.startsWith("internal/")) return { errors: [{ text: `${args.path} is internal` }] }
      return { path: join(packagesDir, name, "src", `${subpath ?? "index"}.ts`) }
    })
  }
}

/** Replaces `src/internal/helpTexts.ts` with the captured texts. */
const bakedHelp = (texts) => ({
  name: "baked-help",
  setup(build) {
    build.onLoad({ filter: /[\\/]internal[\\/]helpTexts\.ts$/ }, (args) =>
      args.path === helpTextsModule
        ? { loader: "js", contents: `export const helpTexts = ${JSON.stringify(texts)}` }
        : undefined)
  }
})

const build = (outfile, plugins) =>
  esbuild.build({
    absWorkingDir: packageDir,
    entryPoints: [join(packageDir, "src", "bin.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    minify: true,
    legalComments: "none",
    metafile: true,
    logLevel: "warning",
    plugins: [workspaceSources, ...plugins],
    banner: {
      // A CommonJS dependency's require() of a Node built-in needs a require in an ES module.
      js:
        "#!/usr/bin/env node\nimport { createRequire as __vercelAuthRequire } from \"node:module\";\nconst require = __vercelAuthRequire(import.meta.url);"
    }
  })

const run = promisify(execFile)

/** Runs the first-pass bundle for each help text, styled (FORCE_COLOR), as a terminal would get it. */
const captureHelp = async (program) => {
  const env = { PATH: process.env.PATH ?? "", FORCE_COLOR: "1" }
  const capture = async (args) => {
    const { stdout } = await run(process.execPath, [program, ...args], { env, encoding: "utf8", timeout: 60_000 })
    if (stdout.trim() === "") throw new Error(`bundle: \`vercel-auth ${args.join(" ")}\` printed nothing`)
    return stdout
  }
  const entries = await Promise.all([
    ...commandPaths.map(async (path) => [path, await capture([...path.split(" ").filter((w) => w !== ""), "--help"])]),
    capture(["--version"]).then((text) => ["--version", text])
  ])
  return Object.fromEntries(entries)
}

/** The folder of the npm package a bundled file comes from, or undefined for this repository's sources. */
const packageOf = (file) => {
  const parts = file.split(sep)
  const at = parts.lastIndexOf("node_modules")
  if (at === -1) return undefined
  const scoped = parts[at + 1].startsWith("@")
  return parts.slice(0, at + (scoped ? 3 : 2)).join(sep)
}

const licenceText = (dir) => {
  const file = readdirSync(dir).find((name) => /^(licen[cs]e|copying)(\.|$)/i.test(name))
  return file === undefined ? undefined : readFileSync(join(dir, file), "utf8").trim()
}

const writeLicences = (metafile, file) => {
  const packages = new Map()
  // Only what reached the output: tree-shaken packages (fast-check under effect's Schema, the config
  // file parsers of @effect/cli) are inputs of the build but not part of the file.
  const [output] = Object.values(metafile.outputs)
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    if (bytesInOutput === 0) continue
    const dir = packageOf(join(packageDir, input))
    if (dir === undefined || packages.has(dir)) continue
    packages.set(dir, JSON.parse(readFileSync(join(dir, "package.json"), "utf8")))
  }
  const notices = [...packages].map(([dir, manifest]) =>
    `${manifest.name}@${manifest.version} (${manifest.license ?? "see its package"})\n\n${
      licenceText(dir) ?? `License: ${manifest.license}`
    }`
  ).sort()
  writeFileSync(file, `vercel-auth.mjs bundles these packages:\n\n${notices.join(`\n\n${"-".repeat(72)}\n\n`)}\n`)
  return [...packages.values()].map((manifest) => `${manifest.name}@${manifest.version}`)
}

/** Writes the bundle to `outfile` (and the licences beside it); returns where, how big, and what it holds. */
export const bundle = async (outfile = defaultOutfile) => {
  const scratch = mkdtempSync(join(tmpdir(), "vercel-auth-bundle-"))
  try {
    const first = join(scratch, "vercel-auth.mjs")
    await build(first, [])
    const texts = await captureHelp(first)
    mkdirSync(dirname(outfile), { recursive: true })
    const result = await build(outfile, [bakedHelp(texts)])
    const packages = writeLicences(result.metafile, join(dirname(outfile), "THIRD-PARTY-LICENSES.txt"))
    return { outfile, bytes: readFileSync(outfile).length, packages, helpTexts: texts }
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { bytes, outfile, packages } = await bundle()
  process.stdout.write(
    `${relative(process.cwd(), outfile)}: ${(bytes / 1024).toFixed(0)} KiB, bundling ${packages.join(", ")}\n`
  )
}
