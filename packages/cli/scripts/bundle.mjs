/**
 * Bundles the CLI into one file, `dist/vercel-auth.mjs`, with every library it uses inside (effect,
 * @effect/cli, @effect/platform(-node), undici, and this repository's core and adapter, taken from
 * their sources so that no prior `tsc -b` is needed). One minified file is what makes
 * `vercel-auth --help` start fast: Node reads and compiles one module instead of resolving and
 * loading hundreds. The licences of the bundled packages go to `dist/THIRD-PARTY-LICENSES.txt`.
 *
 * Usage: node scripts/bundle.mjs   (also `pnpm build` in this package, and `prepack`)
 */
import * as esbuild from "esbuild"
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs"
import { dirname, join, relative, sep } from "node:path"
import { fileURLToPath } from "node:url"

const packageDir = fileURLToPath(new URL("..", import.meta.url))
const packagesDir = join(packageDir, "..")
const defaultOutfile = join(packageDir, "dist", "vercel-auth.mjs")

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

/** Writes the bundle to `outfile` (and the licences beside it); returns where, how big, and what it holds. */
export const bundle = async (outfile = defaultOutfile) => {
  const result = await esbuild.build({
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
    plugins: [workspaceSources],
    banner: {
      // A CommonJS dependency's require() of a Node built-in needs a require in an ES module.
      js: "#!/usr/bin/env node\nimport { createRequire as __vercelAuthRequire } from \"node:module\";\nconst require = __vercelAuthRequire(import.meta.url);"
    }
  })
  const packages = new Map()
  for (const input of Object.keys(result.metafile.inputs)) {
    const dir = packageOf(join(packageDir, input))
    if (dir === undefined || packages.has(dir)) continue
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"))
    packages.set(dir, manifest)
  }
  const notices = [...packages].map(([dir, manifest]) =>
    `${manifest.name}@${manifest.version} (${manifest.license ?? "see its package"})\n\n${
      licenceText(dir) ?? `License: ${manifest.license}`
    }`
  ).sort()
  mkdirSync(dirname(outfile), { recursive: true })
  writeFileSync(
    join(dirname(outfile), "THIRD-PARTY-LICENSES.txt"),
    `dist/vercel-auth.mjs bundles these packages:\n\n${notices.join(`\n\n${"-".repeat(72)}\n\n`)}\n`
  )
  return { outfile, bytes: readFileSync(outfile).length, packages: [...packages.values()].map((m) => `${m.name}@${m.version}`) }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const { bytes, outfile: file, packages } = await bundle()
  process.stdout.write(`${relative(process.cwd(), file)}: ${(bytes / 1024).toFixed(0)} KiB, bundling ${packages.join(", ")}\n`)
}
