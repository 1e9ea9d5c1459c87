/**
 * Checks that the published packages work for their users: builds (`tsc -b`), packs each package as
 * it would be published (`pnpm pack` turns `workspace:^` into real versions and applies `files`), then
 * runs publint (strict: warnings fail) and Are the Types Wrong (`--profile esm-only`, the packages
 * are ESM only) on each tarball. attw skips wildcard exports, so every public module is named.
 *
 * Usage: node scripts/check-packages.mjs [--no-build]
 */
import { spawnSync } from "node:child_process"
import { mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const bin = (name) => join(root, "node_modules", ".bin", name)
const packages = ["core", "testing", "adapter", "redis", "cli"]
/** Packages that ship only an executable (no types, no exports): publint applies, attw has nothing to check. */
const binOnly = new Set(["cli"])

/** Runs a command, showing its output only when it fails: a clean check prints one line per package. */
const run = (command, args, cwd = root) => {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0" } })
  if (result.status !== 0) {
    process.stderr.write(`\n$ ${[command, ...args].join(" ")}\n${result.stdout ?? ""}${result.stderr ?? ""}\n`)
    if (result.error !== undefined) process.stderr.write(`${result.error.message}\n`)
    return false
  }
  return true
}

/** `./TokenService` … for each public module: the `./*` export maps them, and attw does not expand it. */
const entrypoints = (name) =>
  readdirSync(join(root, "packages", name, "src"))
    .filter((file) => file.endsWith(".ts") && file !== "index.ts")
    .map((file) => `./${file.slice(0, -".ts".length)}`)

const main = () => {
  if (!process.argv.includes("--no-build") && !run(bin("tsc"), ["-b"])) return 1
  const destination = mkdtempSync(join(tmpdir(), "vercel-auth-check-packages-"))
  try {
    let failures = 0
    for (const name of packages) {
      if (!run(bin("pnpm"), ["pack", "--pack-destination", destination], join(root, "packages", name))) {
        failures++
        continue
      }
      const tarball = join(destination, readdirSync(destination).find((file) => file.includes(`-${name}-`)))
      const publint = run(bin("publint"), ["run", tarball, "--strict"])
      const attw = binOnly.has(name) || run(bin("attw"), [
        tarball,
        "--profile",
        "esm-only",
        "--format",
        "table-flipped",
        "--no-color",
        "--include-entrypoints",
        ...entrypoints(name)
      ])
      if (!publint || !attw) failures++
      process.stdout.write(
        `@vercel-auth/${name}: publint ${publint ? "ok" : "FAILED"}, attw ${
          binOnly.has(name) ? "n/a (bin only)" : attw ? "ok" : "FAILED"
        }\n`
      )
    }
    return failures === 0 ? 0 : 1
  } finally {
    rmSync(destination, { recursive: true, force: true })
  }
}

process.exitCode = main()
