/**
 * `tokens revoke` through the real bundle: named ids, filters, the refusal without `--yes`, dry runs,
 * the calling token's protection, failures and exit codes, the JSON record, pacing under a rate
 * limit, and the confirmation on a terminal.
 */
import type { MockVercelServer } from "@vercel-auth/testing"
import { afterEach, describe, expect, it } from "vitest"
import { deletes, jsonLines, runAt, runOnTerminal, start, startServer, TOKEN, until } from "./support.js"

let server: MockVercelServer.Server | undefined
const serve = async (options: MockVercelServer.Options = {}) => (server = await startServer(options))
afterEach(async () => {
  await server?.close()
  server = undefined
})

describe("tokens revoke with named ids", () => {
  it("revokes them without asking, and exits 0", async () => {
    const server = await serve()
    const result = await runAt(server, ["tokens", "revoke", "tok_legacy", "tok_fresh"])
    expect(result.code).toBe(0)
    expect(server.deleted()).toEqual(expect.arrayContaining(["tok_legacy", "tok_fresh"]))
    expect(server.deleted()).toHaveLength(2)
    const lines = result.stdout.trimEnd().split("\n")
    expect(lines[0]).toMatch(/^TOKEN ID\s+NAME\s+OUTCOME\s+DETAIL$/)
    expect(lines.slice(1)).toEqual([
      expect.stringMatching(/^tok_legacy\s+-\s+revoked$/),
      expect.stringMatching(/^tok_fresh\s+-\s+revoked$/),
      "revoked 2, already revoked 0, failed 0"
    ])
    // Progress on stderr, a line per token when stderr is not a terminal: no bar, no carriage return.
    expect(result.stderr).not.toContain("\r")
    const progress = result.stderr.trimEnd().split("\n")
    expect(progress).toHaveLength(2)
    expect(progress).toEqual(expect.arrayContaining([
      expect.stringMatching(/^\[[12]\/2\] tok_fresh revoked$/),
      expect.stringMatching(/^\[[12]\/2\] tok_legacy revoked$/)
    ]))
  })

  it("counts an id Vercel does not know (404) as already-revoked: done, exit 0", async () => {
    const server = await serve()
    const result = await runAt(server, ["tokens", "revoke", "tok_gone", "--json"])
    expect(result.code).toBe(0)
    const [record, summary] = jsonLines(result.stdout)
    expect(record).toMatchObject({ tokenId: "tok_gone", name: null, outcome: "already-revoked" })
    expect(summary).toEqual({ summary: { revoked: 0, alreadyRevoked: 1, failed: 0, wouldRevoke: 0 } })
  })

  it("exits 1 when an item fails, recording its tag, status, request id and attempts", async () => {
    const server = await serve()
    server.script.push({ kind: "status", status: 403, route: "delete", tokenId: "tok_fresh", times: Infinity })
    const result = await runAt(server, ["tokens", "revoke", "tok_fresh", "tok_legacy", "--json"])
    expect(result.code).toBe(1)
    const records = jsonLines(result.stdout)
    const failed = records.find((record) => record.tokenId === "tok_fresh")!
    expect(failed).toMatchObject({ outcome: "failed", error: "Forbidden", status: 403, attempts: 1 })
    expect(failed.requestId).toEqual(expect.stringMatching(/\S/))
    expect(failed.message).toEqual(expect.stringContaining("Revoking token \"tok_fresh\" failed: Vercel answered 403"))
    expect(records.find((record) => record.tokenId === "tok_legacy")).toMatchObject({ outcome: "revoked" })
    expect(records.at(-1)).toEqual({ summary: { revoked: 1, alreadyRevoked: 0, failed: 1, wouldRevoke: 0 } })
    expect(server.isLive("tok_fresh")).toBe(true)
  })

  it("shows a failure in the table with its detail", async () => {
    const server = await serve()
    server.script.push({ kind: "status", status: 403, route: "delete", tokenId: "tok_fresh", times: Infinity })
    const result = await runAt(server, ["tokens", "revoke", "tok_fresh"])
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/^tok_fresh\s+-\s+failed\s+Forbidden, 403, 1 attempt, request \S+$/m)
    expect(result.stdout).toContain("revoked 0, already revoked 0, failed 1\n")
  })

  it("refuses to revoke the calling token by its id: only `current` names it (exit 2, no DELETE)", async () => {
    const server = await serve()
    const result = await runAt(server, ["tokens", "revoke", "tok_fresh", "tok_self"])
    expect(result.code).toBe(2)
    expect(result.stderr).toBe(
      "vercel-auth: tok_self is the token this command runs as; name it `current` to revoke it (it is then revoked last)\n"
    )
    expect(deletes(server)).toEqual([])
  })

  it("revokes `current` last, after every other answer", async () => {
    const server = await serve()
    const result = await runAt(server, [
      "tokens",
      "revoke",
      "current",
      "tok_fresh",
      "tok_legacy",
      "tok_expired",
      "--json"
    ])
    expect(result.code).toBe(0)
    expect(server.deleted()).toHaveLength(4)
    expect(server.deleted().at(-1)).toBe("tok_self")
    const lastDelete = deletes(server).at(-1)!
    expect(lastDelete.tokenId).toBe("current")
    // Nothing else was in flight when it went: every other DELETE had been answered.
    expect(deletes(server).slice(0, -1).every((request) => request.status === 200)).toBe(true)
    const records = jsonLines(result.stdout)
    expect(records.at(-2)).toMatchObject({
      tokenId: "tok_self",
      name: "responder-laptop",
      outcome: "revoked",
      current: true
    })
  })
})

describe("tokens revoke with filters", () => {
  it("refuses without --yes when there is no terminal: exit 2, the selection shown, no DELETE sent", async () => {
    const server = await serve()
    const result = await runAt(server, ["tokens", "revoke", "--leaked"])
    expect(result.code).toBe(2)
    expect(result.stdout).toBe("")
    expect(result.stderr).toContain("Selected (leaked):\n")
    expect(result.stderr).toMatch(/^tok_leaked_preview\s+preview-bot/m)
    expect(result.stderr.trimEnd().split("\n").at(-1)).toBe(
      "vercel-auth: refusing to revoke 2 tokens without --yes: there is no terminal to confirm on; nothing was sent"
    )
    expect(deletes(server)).toEqual([])
    expect(server.deleted()).toEqual([])
  })

  it("also refuses when ids are named beside the filters: nothing at all is sent", async () => {
    const server = await serve()
    const result = await runAt(server, ["tokens", "revoke", "tok_legacy", "--expired"])
    expect(result.code).toBe(2)
    expect(deletes(server)).toEqual([])
  })

  it("with --yes revokes the selection, never the calling token though it matches", async () => {
    const server = await serve()
    const result = await runAt(server, ["tokens", "revoke", "--leaked", "--yes", "--json"])
    expect(result.code).toBe(0)
    expect([...server.deleted()].sort()).toEqual(["tok_leaked_deploy", "tok_leaked_preview"])
    expect(server.isLive("tok_self")).toBe(true)
    expect(result.stderr).toContain(
      "note: tok_self, the token this command runs as, matches the filters but is never selected by them; name `current` to revoke it (last)"
    )
    const records = jsonLines(result.stdout)
    expect(records.slice(0, -1).map((record) => record.tokenId).sort()).toEqual([
      "tok_leaked_deploy",
      "tok_leaked_preview"
    ])
    for (const record of records.slice(0, -1)) {
      expect(Object.keys(record).sort()).toEqual(["at", "name", "outcome", "tokenId"])
      expect(record.outcome).toBe("revoked")
    }
    expect(records.find((record) => record.tokenId === "tok_leaked_deploy")).toMatchObject({ name: "ci-deploy" })
    expect(records.at(-1)).toEqual({ summary: { revoked: 2, alreadyRevoked: 0, failed: 0, wouldRevoke: 0 } })
  })

  it("selects by each filter, and by all of them together", async () => {
    const cases: ReadonlyArray<[ReadonlyArray<string>, ReadonlyArray<string>]> = [
      [["--expired"], ["tok_expired"]],
      [["--unused-for", "30d"], ["tok_expired", "tok_legacy"]],
      [["--older-than", "35d"], ["tok_expired", "tok_legacy"]],
      [["--name", "*-bot"], ["tok_leaked_preview"]],
      [["--leaked", "--name", "ci-*", "--older-than", "2w"], ["tok_leaked_deploy"]]
    ]
    for (const [filters, expected] of cases) {
      const server = await serve()
      const result = await runAt(server, ["tokens", "revoke", ...filters, "--yes", "--json"])
      expect(result.code, filters.join(" ")).toBe(0)
      expect([...server.deleted()].sort(), filters.join(" ")).toEqual(expected)
      await server.close()
    }
  })

  it("with --dry-run sends no DELETE and reports would-revoke", async () => {
    const server = await serve()
    const result = await runAt(server, ["tokens", "revoke", "--leaked", "tok_legacy", "current", "--dry-run", "--json"])
    expect(result.code).toBe(0)
    expect(deletes(server)).toEqual([])
    expect(jsonLines(result.stdout)).toEqual([
      { tokenId: "tok_legacy", name: "legacy-import", outcome: "would-revoke" },
      { tokenId: "tok_leaked_preview", name: "preview-bot", outcome: "would-revoke" },
      { tokenId: "tok_leaked_deploy", name: "ci-deploy", outcome: "would-revoke" },
      { tokenId: "tok_self", name: "responder-laptop", outcome: "would-revoke", current: true },
      { summary: { revoked: 0, alreadyRevoked: 0, failed: 0, wouldRevoke: 4 } }
    ])
  })

  it("prints a dry run as a table", async () => {
    const server = await serve()
    const result = await runAt(server, ["tokens", "revoke", "--expired", "--dry-run"])
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^tok_expired\s+temp-debug\s+would-revoke$/m)
    expect(result.stdout).toContain("would revoke 1 (dry run: no DELETE was sent)\n")
    expect(deletes(server)).toEqual([])
  })

  it("exits 0 with nothing to do when the filters match nothing", async () => {
    const server = await serve()
    const result = await runAt(server, ["tokens", "revoke", "--expired", "--leaked", "--json"])
    expect(result.code).toBe(0)
    expect(jsonLines(result.stdout)).toEqual([{
      summary: { revoked: 0, alreadyRevoked: 0, failed: 0, wouldRevoke: 0 }
    }])
    expect(deletes(server)).toEqual([])
  })

  it("paces a bulk revocation to the rate limit instead of failing it", async () => {
    const server = await serve({ rateLimit: { limit: 5, windowMs: 1_000 } })
    server.add({ [TOKEN]: Array.from({ length: 12 }, (_, i) => ({ id: `tok_ci_${i}`, name: `ci-runner-${i}` })) })
    const result = await runAt(server, ["tokens", "revoke", "--name", "ci-runner-*", "--yes", "--json"])
    expect(result.code).toBe(0)
    expect(server.deleted()).toHaveLength(12)
    expect(jsonLines(result.stdout).at(-1)).toEqual({
      summary: { revoked: 12, alreadyRevoked: 0, failed: 0, wouldRevoke: 0 }
    })
    // The gate held requests for the window to reset rather than drawing a 429 per request (the first
    // DELETE goes alone so that the gate knows the window before the rest go out).
    expect(server.count(429)).toBeLessThanOrEqual(2)
  })
})

describe("tokens revoke interrupted", () => {
  it("on Ctrl-C keeps the record of what was answered, ends it as interrupted, and exits 130", async () => {
    const server = await serve()
    server.script.push({ kind: "hang", route: "delete", tokenId: "tok_legacy" })
    const running = start(["tokens", "revoke", "tok_fresh", "tok_legacy", "--json", "--api-url", server.url])
    await until(() =>
      running.output().stdout.includes("\"tok_fresh\"") &&
      server.requests.some((request) => request.tokenId === "tok_legacy" && request.method === "DELETE")
    )
    process.kill(running.pid, "SIGINT")
    const result = await running.done
    expect(result.code).toBe(130)
    expect(jsonLines(result.stdout)).toEqual([
      expect.objectContaining({ tokenId: "tok_fresh", outcome: "revoked" }),
      { summary: { revoked: 1, alreadyRevoked: 0, failed: 0, wouldRevoke: 0 }, interrupted: true }
    ])
    expect(result.stderr).toContain("interrupted: 1 of 2 answered; the others may or may not be revoked\n")
    await until(() => server.requests.find((request) => request.tokenId === "tok_legacy")!.aborted)
  })
})

describe("tokens revoke on a terminal", () => {
  it("asks y/N and revokes on yes, with a progress bar on stderr", async () => {
    const server = await serve()
    const result = await runOnTerminal(["tokens", "revoke", "--leaked", "--api-url", server.url], {
      prompt: "Revoke 2 tokens? [y/N]",
      answer: "y\n"
    })
    if (result === undefined) return // no `script` on this machine
    expect(result.code).toBe(0)
    expect([...server.deleted()].sort()).toEqual(["tok_leaked_deploy", "tok_leaked_preview"])
    expect(result.stdout).toMatch(/revoking \[#{24}\] 2\/2/)
    expect(result.stdout).toContain("revoked 2, already revoked 0, failed 0")
  })

  it("sends nothing when the answer is not yes (exit 2)", async () => {
    const server = await serve()
    const result = await runOnTerminal(["tokens", "revoke", "--leaked", "--api-url", server.url], {
      prompt: "Revoke 2 tokens? [y/N]",
      answer: "\n"
    })
    if (result === undefined) return
    expect(result.code).toBe(2)
    expect(result.stdout).toContain("vercel-auth: not confirmed; nothing was revoked")
    expect(deletes(server)).toEqual([])
  })
})
