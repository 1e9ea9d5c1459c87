import { fileURLToPath } from "node:url"
import type { TestProjectConfiguration } from "vitest/config"

const root = (path: string) => fileURLToPath(new URL(path, import.meta.url))

/** Workspace packages resolve to their sources, so tests run before (and without) a build. */
export const alias = [
  { find: /^@vercel-auth\/(core|testing|adapter|redis|cli)$/, replacement: root("./packages/$1/src/index.ts") },
  { find: /^@vercel-auth\/(core|testing|adapter|redis|cli)\/(.*)$/, replacement: root("./packages/$1/src/$2.ts") }
]

const project = (name: string): TestProjectConfiguration => ({
  resolve: { alias },
  test: {
    name,
    root: root(`./packages/${name}`),
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000
  }
})

const demo: TestProjectConfiguration = {
  resolve: { alias },
  test: { name: "demo", root: root("./demo"), include: ["test/**/*.test.ts"], testTimeout: 20_000 }
}

/** The CLI's tests run its bundle as a subprocess; the global setup builds it once per run. */
const cli: TestProjectConfiguration = {
  resolve: { alias },
  test: {
    name: "cli",
    root: root("./packages/cli"),
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
    globalSetup: ["test/globalSetup.ts"]
  }
}

export default [project("core"), project("testing"), project("adapter"), project("redis"), cli, demo]
