import { describe, expect, it } from "@effect/vitest"
import { readdirSync, readFileSync } from "node:fs"

const docs = new URL("../../../docs/", import.meta.url)
const examples = new URL("examples/", docs)

const lines = (text: string) => text.split("\n").map((line) => line.trim()).filter((line) => line !== "")
const codeBlocks = (markdown: string) => [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!)
const containsRun = (haystack: ReadonlyArray<string>, needle: ReadonlyArray<string>) =>
  haystack.some((_, start) => needle.every((line, i) => haystack[start + i] === line))

describe("docs", () => {
  const exampleFiles = readdirSync(examples).filter((name) => name.endsWith(".ts"))
  const exampleLines = exampleFiles.map((name) => lines(readFileSync(new URL(name, examples), "utf8")))
  const pages = readdirSync(docs).filter((name) => name.endsWith(".md"))

  it("has the pages the index promises", () => {
    const index = readFileSync(new URL("README.md", docs), "utf8")
    for (const [, target] of index.matchAll(/\]\(\.\/([\w-]+\.md)\)/g)) expect(pages).toContain(target)
  })

  for (const page of pages) {
    it(`${page}: every ts code block is taken from a tested example`, () => {
      for (const block of codeBlocks(readFileSync(new URL(page, docs), "utf8"))) {
        const found = exampleLines.some((example) => containsRun(example, lines(block)))
        expect(found, `${page}: this block is in no docs/examples file:\n${block}`).toBe(true)
      }
    })
  }
})
