/**
 * `tokens list` and `tokens get` through the real bundle: the table, the JSON records, each filter
 * alone and combined, paging, and the calling token marked.
 */
import type { MockVercelServer } from "@vercel-auth/testing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { jsonLines, runAt, startServer, TOKEN } from "./support.js"

describe("tokens list", () => {
  let server: MockVercelServer.Server
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(() => server.close())

  const ids = async (...args: ReadonlyArray<string>) => {
    const result = await runAt(server, ["tokens", "list", "--json", ...args])
    expect(result.stderr).toBe("")
    expect(result.code).toBe(0)
    return jsonLines(result.stdout).map((record) => record.tokenId)
  }

  it("prints a table of every token, newest first, the calling token marked", async () => {
    const result = await runAt(server, ["tokens", "list"])
    expect(result.code).toBe(0)
    const lines = result.stdout.trimEnd().split("\n")
    expect(lines[0]).toMatch(/^TOKEN ID\s+NAME\s+TYPE\s+CREATED\s+LAST USED\s+EXPIRES\s+LEAKED$/)
    expect(lines.slice(1, -1).map((line) => line.split(/\s+/)[0])).toEqual([
      "tok_fresh",
      "tok_leaked_preview",
      "tok_leaked_deploy",
      "tok_expired",
      "tok_self*",
      "tok_legacy"
    ])
    expect(lines.at(-1)).toBe("* the token this command ran as")
    expect(result.stdout).toMatch(/tok_leaked_deploy\s+ci-deploy\s+oauth2-token\s+\d{4}-\d\d-\d\d \d\d:\d\dZ/)
  })

  it("writes one JSON object per token with ISO dates, optional fields only when present", async () => {
    const result = await runAt(server, ["tokens", "list", "--json"])
    expect(result.code).toBe(0)
    const records = jsonLines(result.stdout)
    expect(records).toHaveLength(6)
    const deploy = records.find((record) => record.tokenId === "tok_leaked_deploy")!
    expect(Object.keys(deploy).sort()).toEqual(
      ["activeAt", "createdAt", "leakedAt", "leakedUrl", "name", "tokenId", "type"]
    )
    expect(deploy).toMatchObject({
      name: "ci-deploy",
      type: "oauth2-token",
      leakedUrl: "https://gist.github.com/someone/0badc0de"
    })
    for (const key of ["createdAt", "activeAt", "leakedAt"]) {
      expect(new Date(deploy[key] as string).toISOString()).toBe(deploy[key])
    }
    expect(records.find((record) => record.tokenId === "tok_legacy")).not.toHaveProperty("leakedAt")
    expect(records.find((record) => record.tokenId === "tok_fresh")).toHaveProperty("expiresAt")
    expect(records.find((record) => record.tokenId === "tok_self")).toMatchObject({ current: true })
    expect(records.filter((record) => "current" in record)).toHaveLength(1)
  })

  it("--leaked selects the tokens with leakedAt (the caller's own included: list only reads)", async () => {
    expect(await ids("--leaked")).toEqual(["tok_leaked_preview", "tok_leaked_deploy", "tok_self"])
  })

  it("--expired selects the tokens whose expiresAt has passed", async () => {
    expect(await ids("--expired")).toEqual(["tok_expired"])
  })

  it("--unused-for selects by activeAt", async () => {
    expect(await ids("--unused-for", "30d")).toEqual(["tok_expired", "tok_legacy"])
    expect(await ids("--unused-for", "12h")).toEqual(["tok_leaked_deploy", "tok_expired", "tok_legacy"])
    expect(await ids("--unused-for", "1w")).toEqual(["tok_expired", "tok_legacy"])
  })

  it("--older-than selects by createdAt", async () => {
    expect(await ids("--older-than", "90d")).toEqual(["tok_legacy"])
    expect(await ids("--older-than", "2w")).toEqual(["tok_leaked_deploy", "tok_expired", "tok_self", "tok_legacy"])
    expect(await ids("--older-than", "3600m")).toEqual(
      ["tok_leaked_preview", "tok_leaked_deploy", "tok_expired", "tok_self", "tok_legacy"]
    )
  })

  it("--name matches a glob against the whole name", async () => {
    expect(await ids("--name", "ci-*")).toEqual(["tok_fresh", "tok_leaked_deploy"])
    expect(await ids("--name", "ci-build")).toEqual(["tok_fresh"])
    expect(await ids("--name", "ci")).toEqual([])
    expect(await ids("--name", "temp-d?bug")).toEqual(["tok_expired"])
    expect(await ids("--name", "*bot")).toEqual(["tok_leaked_preview"])
  })

  it("combines filters with AND", async () => {
    expect(await ids("--leaked", "--name", "ci-*")).toEqual(["tok_leaked_deploy"])
    expect(await ids("--leaked", "--older-than", "20d")).toEqual(["tok_leaked_deploy", "tok_self"])
    // The server marks the calling token used by every request, so it is never "unused".
    expect(await ids("--leaked", "--older-than", "20d", "--unused-for", "45s")).toEqual(["tok_leaked_deploy"])
    expect(await ids("--expired", "--leaked")).toEqual([])
  })

  it("says on stderr when nothing matches, with an empty stdout and exit 0", async () => {
    const result = await runAt(server, ["tokens", "list", "--expired", "--leaked"])
    expect(result).toMatchObject({ code: 0, stdout: "", stderr: "No token matches the filters.\n" })
  })

  it("follows every page: 230 more tokens take three pages of 100", async () => {
    const paged = await startServer()
    try {
      paged.add({
        [TOKEN]: Array.from(
          { length: 230 },
          (_, i) => ({ id: `tok_bulk_${i}`, name: `bulk-${i}`, createdAt: 1_600_000_000_000 + i })
        )
      })
      const result = await runAt(paged, ["tokens", "list", "--json", "--name", "bulk-*"])
      expect(result.code).toBe(0)
      expect(jsonLines(result.stdout)).toHaveLength(230)
      expect(paged.requests.filter((request) => request.route === "list").map((request) => request.path)).toEqual([
        "/v6/user/tokens?limit=100",
        expect.stringMatching(/^\/v6\/user\/tokens\?limit=100&until=\d+$/),
        expect.stringMatching(/^\/v6\/user\/tokens\?limit=100&until=\d+$/)
      ])
    } finally {
      await paged.close()
    }
  })

  it("sends only reads", () => {
    expect(server.requests.every((request) => request.method === "GET")).toBe(true)
    expect(server.deleted()).toEqual([])
  })
})

describe("tokens get", () => {
  let server: MockVercelServer.Server
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(() => server.close())

  it("shows one token, every field a line", async () => {
    const result = await runAt(server, ["tokens", "get", "tok_leaked_deploy"])
    expect(result.code).toBe(0)
    expect(result.stderr).toBe("")
    expect(result.stdout).toMatch(/^id {12}tok_leaked_deploy\nname {10}ci-deploy\ntype {10}oauth2-token\n/)
    expect(result.stdout).toContain("leaked at url https://gist.github.com/someone/0badc0de\n")
    expect(result.stdout).toContain("expires       never\n")
  })

  it("reads `current` as JSON, marked as the calling token", async () => {
    const result = await runAt(server, ["tokens", "get", "current", "--json"])
    expect(result.code).toBe(0)
    const [record] = jsonLines(result.stdout)
    expect(record).toMatchObject({ tokenId: "tok_self", name: "responder-laptop", current: true })
    expect(record).toHaveProperty("expiresAt")
  })

  it("exits 1 with one line for a token Vercel does not know", async () => {
    const result = await runAt(server, ["tokens", "get", "tok_nope"])
    expect(result.code).toBe(1)
    expect(result.stdout).toBe("")
    expect(result.stderr.trimEnd().split("\n")).toHaveLength(1)
    expect(result.stderr).toMatch(/^vercel-auth: Reading token "tok_nope" failed: Vercel answered 404/)
  })
})
