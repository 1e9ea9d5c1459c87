import { describe, expect, it } from "@effect/vitest"
import { readFileSync } from "node:fs"

const page = readFileSync(new URL("../../../docs/testing.md", import.meta.url), "utf8")
const examples = readFileSync(new URL("../../../docs/examples/testing.ts", import.meta.url), "utf8")

const blocks = [...page.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!)
const sections = [...examples.matchAll(/\/\/ --- testing: (.+)\n([\s\S]*?)\/\/ --- end\n/g)]

describe("docs/testing.md", () => {
  it("shows code blocks copied verbatim from the examples that docs-examples.test.ts runs", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(5)
    for (const block of blocks) expect(examples, `not in docs/examples/testing.ts:\n${block}`).toContain(block)
  })

  it("shows every example section", () => {
    expect(sections.length).toBe(blocks.length)
    for (const [, name, body] of sections) expect(blocks, `section "${name}" is not on the page`).toContain(body)
  })
})
