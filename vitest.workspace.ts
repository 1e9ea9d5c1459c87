import { fileURLToPath } from "node:url"
import type { TestProjectConfiguration } from "vitest/config"

const root = (path: string) => fileURLToPath(new URL(path, import.meta.url))

/** Workspace packages resolve to their sources, so tests run before (and without) a build. */
export const alias = [
  { find: /^@vercel-auth\/(core|testing|adapter|redis)$/, replacement: root("./packages/$1/src/index.ts") },
  { find: /^@vercel-auth\/(core|testing|adapter|redis)\/(.*)$/, replacement: root("./packages/$1/src/$2.ts") }
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

export default [project("core"), project("testing"), project("adapter"), project("redis"), demo]
