import { MockVercelServer } from "@vercel-auth/testing"
import { describe, expect, it } from "vitest"
import { parseArgs } from "../src/args.js"
import { run } from "../src/cli.js"
import { runDemo } from "../src/runDemo.js"

const collect = () => {
  const lines: Array<string> = []
  return { lines, log: (line: string) => void lines.push(line) }
}

describe("runDemo", () => {
  it("ends every scenario as expected, through both APIs, and prints no bearer token", async () => {
    const { lines, log } = collect()
    const started = performance.now()
    const rows = await runDemo({ log })
    const elapsed = performance.now() - started

    const row = (scenario: string, api: "Promise" | "Effect") => {
      const found = rows.find((r) => r.scenario === scenario && r.api === api)
      if (found === undefined) throw new Error(`no row for ${scenario} / ${api}`)
      return found
    }
    expect(rows.map((r) => `${r.scenario} / ${r.api}`)).toEqual([
      "revoke / Promise",
      "revoke / Effect",
      "404 / Promise",
      "404 / Effect",
      "lost response / Promise",
      "lost response / Effect",
      "429 storm / Promise",
      "429 storm / Effect",
      "503 burst / Promise",
      "503 burst / Effect",
      "abort / Promise",
      "abort / Effect"
    ])
    for (const api of ["Promise", "Effect"] as const) {
      expect(row("revoke", api)).toMatchObject({ outcome: `revoked tok_revoke_${api.toLowerCase()}`, requests: 1 })
      expect(row("404", api)).toMatchObject({ outcome: "TokenNotFound 404", requests: 1 })
      expect(row("lost response", api)).toMatchObject({ outcome: "alreadyDeleted: true", requests: 2 })
      // The first burst of 20 against a window of 10 draws 429s; the gate then keeps the rest from drawing more.
      const storm = row("429 storm", api)
      const [, revoked, rateLimited] = /^(\d+)\/20 revoked, (\d+) × 429$/.exec(storm.outcome) ?? []
      expect(Number(revoked)).toBe(20)
      expect(Number(rateLimited)).toBeGreaterThan(0)
      expect(storm.requests).toBe(20 + Number(rateLimited))
      expect(row("503 burst", api)).toMatchObject({ outcome: "revoked after 3 attempts", requests: 3 })
      expect(row("abort", api)).toMatchObject({ requests: 1 })
    }
    expect(row("abort", "Promise").outcome).toBe("rejected: AbortError")
    expect(row("abort", "Effect").outcome).toBe("interrupted")
    expect(rows.filter((r) => !r.ok)).toEqual([])

    const output = lines.join("\n")
    expect(output).toContain("requestId tst1::")
    expect(output).toContain("check")
    expect(output).not.toMatch(/demo_[0-9a-f]{24}/)
    expect(elapsed).toBeLessThan(10_000)
  })
})

describe("the command line", () => {
  it("takes --live with or without the -- that pnpm passes on", () => {
    expect(parseArgs([])).toEqual({ _tag: "Demo" })
    expect(parseArgs(["--"])).toEqual({ _tag: "Demo" })
    expect(parseArgs(["--", "--live", "tok_x"])).toEqual({ _tag: "Live", tokenId: "tok_x" })
    expect(parseArgs(["--live", "tok_x"])).toEqual({ _tag: "Live", tokenId: "tok_x" })
    expect(parseArgs(["--live=tok_x"])).toEqual({ _tag: "Live", tokenId: "tok_x" })
    expect(parseArgs(["--live"])._tag).toBe("Usage")
    expect(parseArgs(["--live", "--help"])._tag).toBe("Usage")
    expect(parseArgs(["tok_x"])._tag).toBe("Usage")
    expect(parseArgs(["--help"])).toEqual({ _tag: "Help" })
  })

  it("refuses --live without VERCEL_TOKEN, with exit code 1 and a message naming it", async () => {
    const out = collect()
    const err = collect()
    const code = await run({ _tag: "Live", tokenId: "tok_x" }, { env: {}, log: out.log, error: err.log })
    expect(code).toBe(1)
    expect(err.lines.join("\n")).toContain("VERCEL_TOKEN")
    expect(out.lines).toEqual([])
  })

  it("answers a usage error with exit code 2", async () => {
    const err = collect()
    expect(await run({ _tag: "Usage", problem: "nope" }, { env: {}, log: () => {}, error: err.log })).toBe(2)
    expect(err.lines.join("\n")).toContain("--live <tokenId>")
  })

  it("revokes the given token with --live, and reports a failure with exit code 1", async () => {
    const secret = "vcp_live_demo_secret_0123456789"
    const server = await MockVercelServer.start({ tokens: { [secret]: ["tok_live_1"] } })
    try {
      const env = { VERCEL_TOKEN: secret, VERCEL_API_URL: server.url }
      const ok = collect()
      expect(await run({ _tag: "Live", tokenId: "tok_live_1" }, { env, log: ok.log, error: ok.log })).toBe(0)
      expect(server.isLive("tok_live_1")).toBe(false)
      expect(ok.lines.join("\n")).toContain(`revoked → { tokenId: "tok_live_1" }`)

      const missing = collect()
      expect(await run({ _tag: "Live", tokenId: "tok_live_1" }, { env, log: missing.log, error: missing.log })).toBe(1)
      expect(missing.lines.join("\n")).toMatch(/failed after \d+ ms: TokenNotFound, status 404, requestId tst1::/)

      expect([...ok.lines, ...missing.lines].join("\n")).not.toContain(secret)
      expect(server.requests.map((request) => request.tokenId)).toEqual(["tok_live_1", "tok_live_1"])
    } finally {
      await server.close()
    }
  })
})
