/**
 * Bundles the CLI into `dist/`: `dist/vercel-auth.mjs`, the executable, and `dist/chunks/`, with
 * every library it uses inside (effect, @effect/cli, @effect/platform(-node), undici, and this
 * repository's core and adapter, taken from their sources so that no prior `tsc -b` is needed). The
 * licences of the bundled packages go to `dist/THIRD-PARTY-LICENSES.txt`. Nothing is left to install.
 *
 * Start-up is what the layout is about. `vercel-auth.mjs` itself is small: the help and version
 * texts, and a dynamic `import()` of the program, which lives in the chunks. Node compiles every byte
 * of a module it loads, and the program is about a megabyte: as one file, `--help` costs Node's own
 * start plus that compilation (about 125 ms more on the 2-core machine this was measured on, where
 * bare `node` takes 110 ms); split, `--help` never reads the chunks, and a command that fails on
 * usage never reads the client's chunks (the client and undici are imported only to send).
 * `--single-file` builds the one-file variant instead (everything in `dist/vercel-auth.mjs`), for
 * copying a single file onto a machine; it starts slower, as above.
 *
 * Two passes: the first bundles the program as it is; running it captures the help of every command
 * (and `--version`) exactly as `@effect/cli` renders it; the second bakes those texts into
 * `src/internal/helpTexts.ts`, which `bin.ts` answers from before it loads anything else.
 *
 * Usage: node scripts/bundle.mjs [--single-file]   (also `pnpm build` in this package, and `prepack`)
 */
import * as esbuild from "esbuild"
import { execFile } from "node:child_process"
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { createRequire } from "node:module"
import { tmpdir } from "node:os"
import { join, relative, sep } from "node:path"
import { fileURLToPath } from "node:url"
import { promisify } from "node:util"

const packageDir = fileURLToPath(new URL("..", import.meta.url))
const packagesDir = join(packageDir, "..")
const defaultOutdir = join(packageDir, "dist")
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

/**
 * The adapter loads undici, a CommonJS package, with `import("undici")` and reads named exports off
 * it (`Pool`, `errors`). Once undici is a chunk of its own, esbuild can give such an import only a
 * default export, as it cannot know a CommonJS module's names when it writes the chunk. This wrapper
 * names them, every one undici exports (read from the installed undici, so none is ever missing).
 */
const undiciNamedExports = {
  name: "undici-named-exports",
  setup(build) {
    const require = createRequire(join(packagesDir, "adapter", "package.json"))
    const entry = require.resolve("undici")
    const names = Object.keys(require("undici")).filter((name) => /^[A-Za-z_$][\w$]*$/.test(name) && name !== "default")
    build.onResolve({ filter: /^undici$/ }, () => ({ path: "undici", namespace: "undici-named-exports" }))
    build.onLoad({ filter: /.*/, namespace: "undici-named-exports" }, () => ({
      loader: "js",
      resolveDir: packageDir,
      contents: `import undici from ${JSON.stringify(entry)}\nexport default undici\nexport const { ${
        names.join(", ")
      } } = undici\n`
    }))
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

const shebang = "#!/usr/bin/env node\n"

/** Builds `outdir/vercel-auth.mjs` (and, split, `outdir/chunks/`). */
const build = async (outdir, singleFile, plugins) => {
  const result = await esbuild.build({
    absWorkingDir: packageDir,
    entryPoints: { "vercel-auth": join(packageDir, "src", "bin.ts") },
    outdir,
    ...(singleFile ? {} : { splitting: true, chunkNames: "chunks/[name]-[hash]" }),
    outExtension: { ".js": ".mjs" },
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    minify: true,
    legalComments: "none",
    metafile: true,
    logLevel: "warning",
    plugins: [workspaceSources, undiciNamedExports, ...plugins],
    banner: {
      // A CommonJS dependency's require() of a Node built-in needs a require in an ES module.
      js:
        "import { createRequire as __vercelAuthRequire } from \"node:module\";\nconst require = __vercelAuthRequire(import.meta.url);"
    }
  })
  // The banner goes on every file; the #! line only on the executable.
  const bin = join(outdir, "vercel-auth.mjs")
  writeFileSync(bin, shebang + readFileSync(bin, "utf8"), { mode: 0o755 })
  return { bin, metafile: result.metafile }
}

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
  // file parsers of @effect/cli) are inputs of the build but not part of it.
  for (const output of Object.values(metafile.outputs)) {
    for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
      if (bytesInOutput === 0) continue
      const dir = packageOf(join(packageDir, input))
      if (dir === undefined || packages.has(dir)) continue
      packages.set(dir, JSON.parse(readFileSync(join(dir, "package.json"), "utf8")))
    }
  }
  const notices = [...packages].map(([dir, manifest]) =>
    `${manifest.name}@${manifest.version} (${manifest.license ?? "see its package"})\n\n${
      licenceText(dir) ?? `License: ${manifest.license}`
    }`
  ).sort()
  writeFileSync(
    file,
    `The vercel-auth executable bundles these packages:\n\n${notices.join(`\n\n${"-".repeat(72)}\n\n`)}\n`
  )
  return [...packages.values()].map((manifest) => `${manifest.name}@${manifest.version}`)
}

/**
 * Writes the executable to `outdir` (its chunks and the licences beside it), replacing any earlier
 * build there; returns the executable's path, the bytes of every file, the packages bundled and the
 * help texts.
 */
export const bundle = async ({ outdir = defaultOutdir, singleFile = false } = {}) => {
  const scratch = mkdtempSync(join(tmpdir(), "vercel-auth-bundle-"))
  try {
    const first = await build(scratch, singleFile, [])
    const texts = await captureHelp(first.bin)
    // Chunk names carry hashes: without this, every build would leave its chunks behind.
    rmSync(join(outdir, "chunks"), { recursive: true, force: true })
    mkdirSync(outdir, { recursive: true })
    const { bin, metafile } = await build(outdir, singleFile, [bakedHelp(texts)])
    const packages = writeLicences(metafile, join(outdir, "THIRD-PARTY-LICENSES.txt"))
    const bytes = Object.fromEntries(
      Object.entries(metafile.outputs).map((
        [file, output]
      ) => [relative(outdir, join(packageDir, file)), output.bytes])
    )
    return { bin, bytes, packages, helpTexts: texts }
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { bin, bytes, packages } = await bundle({ singleFile: process.argv.includes("--single-file") })
  const kib = (n) => `${(n / 1024).toFixed(0)} KiB`
  const total = Object.values(bytes).reduce((a, b) => a + b, 0)
  process.stdout.write(
    `${relative(process.cwd(), bin)}: ${kib(bytes["vercel-auth.mjs"] ?? 0)}, ${Object.keys(bytes).length} files, ${
      kib(total)
    } in all, bundling ${packages.join(", ")}\n`
  )
}
