/**
 * The demo, run once (the CLI bundled into a temporary folder first, as the CLI's own tests do, so
 * that a concurrent `pnpm build` never swaps the executable under it), then each step checked.
 */
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
// @ts-expect-error -- a plain ES module script without types
import { bundle } from "../../packages/cli/scripts/bundle.mjs"
import * as Facts from "../src/facts.js"
import { type Incident, isOutcome, rowIds, runIncident } from "../src/incident.js"
import { rateLimit } from "../src/rateLimit.js"

const self = "tok_1Rz4yP6"
const ci = "tok_4Xb2kQ9"
const leaked = ["tok_8Jd1mR3", "tok_5Mn8bV2", "tok_2Lp7sT5"] // newest first
const [lost, unavailable, plain] = leaked as [string, string, string]
const day = 86_400_000

let dir: string | undefined
let incident: Incident
let printed: Array<string>

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "vercel-auth-demo-test-"))
  const { bin } = (await bundle({ outdir: dir })) as { bin: string }
  printed = []
  incident = await runIncident({ bin, log: (line) => void printed.push(line) })
}, 180_000)

afterAll(() => {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true })
})

const labelled = (requests: Incident["steps"]["list"]["requests"]) =>
  requests.map((request) => `${Facts.label(request)} ${Facts.fate(request)}`)

describe("the incident demo", () => {
  it("seeds the account the story needs", () => {
    const { account } = incident
    expect(account.size).toBe(12)
    expect(account.selfId).toBe(self)
    expect(account.ciId).toBe(ci)
    expect(account.leakedIds).toEqual(leaked)
    expect(account.lostId).toBe(lost)
    expect(account.unavailableId).toBe(unavailable)
    for (const id of leaked) {
      const seed = account.tokens.find((token) => token.id === id)!
      expect(seed.leakedAt).toBeTypeOf("number")
      expect(seed.leakedUrl).toMatch(/^https:\/\//)
    }
  })

  it("1. lists every token, the calling one marked", () => {
    const { list } = incident.steps
    expect(list.command).toBe("vercel-auth tokens list")
    expect(list.run.code).toBe(0)
    expect(list.run.stderr).toBe("")
    expect(rowIds(list.run.stdout)).toHaveLength(12)
    expect(new Set(rowIds(list.run.stdout))).toEqual(
      new Set([self, ...incident.account.tokens.map((token) => token.id)])
    )
    expect(list.run.stdout).toContain(`${self}*`)
    expect(list.run.stdout.trimEnd().split("\n").at(-1)).toBe("* the token this command ran as")
    expect(labelled(list.requests).sort()).toEqual(["GET current 200", "list 200"])
    expect(list.live).toHaveLength(12)
    expect(list.problems).toEqual([])
  })

  it("2. lists the three leaked tokens, newest first", () => {
    const { leaked: step } = incident.steps
    expect(step.command).toBe("vercel-auth tokens list --leaked")
    expect(step.run.code).toBe(0)
    expect(step.run.stderr).toBe("")
    expect(rowIds(step.run.stdout)).toEqual(leaked)
    expect(step.run.stdout.split("\n")[0]).toMatch(/^TOKEN ID\s+NAME\s+TYPE\s+CREATED\s+LAST USED\s+EXPIRES\s+LEAKED$/)
    expect(Facts.count(step.requests, 429)).toBe(0)
    expect(step.problems).toEqual([])
  })

  it("3. dry-runs the revocation: would-revoke, no DELETE", () => {
    const { dryRun } = incident.steps
    expect(dryRun.command).toBe("vercel-auth tokens revoke --leaked --dry-run")
    expect(dryRun.run.code).toBe(0)
    expect(dryRun.run.stderr).toBe("")
    expect(dryRun.run.stdout).toBe(
      [
        "TOKEN ID     NAME              OUTCOME       DETAIL",
        "tok_8Jd1mR3  preview-bot       would-revoke",
        "tok_5Mn8bV2  staging-sync      would-revoke",
        "tok_2Lp7sT5  analytics-export  would-revoke",
        "would revoke 3 (dry run: no DELETE was sent)",
        ""
      ].join("\n")
    )
    expect(labelled(dryRun.requests).sort()).toEqual(["GET current 200", "list 200"])
    expect(dryRun.live).toHaveLength(12)
    expect(dryRun.problems).toEqual([])
  })

  it("4. revokes the leaked tokens through the rate limit and the flaky network, and keeps the record", () => {
    const { revoke } = incident.steps
    expect(revoke.command).toBe("vercel-auth tokens revoke --leaked --yes --json > incident.jsonl")
    expect(revoke.run.code).toBe(0)

    // The record: one line per token (completion order), then the summary, and nothing else.
    expect(incident.record).toHaveLength(4)
    const outcomes = incident.record.filter(isOutcome)
    expect(
      outcomes.map(({ name, outcome, tokenId }) => ({ tokenId, name, outcome })).sort((a, b) =>
        a.tokenId.localeCompare(b.tokenId)
      )
    ).toEqual([
      { tokenId: plain, name: "analytics-export", outcome: "revoked" },
      { tokenId: unavailable, name: "staging-sync", outcome: "revoked" },
      { tokenId: lost, name: "preview-bot", outcome: "already-revoked" }
    ])
    for (const line of outcomes) {
      expect(Object.keys(line)).toEqual(["tokenId", "name", "outcome", "at"])
      expect(new Date(line.at as string).toISOString()).toBe(line.at)
    }
    expect(incident.record.at(-1)).toEqual({ summary: { revoked: 2, alreadyRevoked: 1, failed: 0, wouldRevoke: 0 } })
    expect(revoke.run.stdout.trimEnd().split("\n")).toHaveLength(4)

    // stderr: the selection, then a progress line per token.
    const stderr = revoke.run.stderr.trimEnd().split("\n")
    expect(stderr[0]).toBe("Selected (leaked):")
    expect(rowIds(stderr.slice(1, 5).join("\n"))).toEqual(leaked)
    expect(stderr.slice(5).map((line) => line.replace(/^\[\d\/3\] /, "")).sort()).toEqual(
      [`${plain} revoked`, `${unavailable} revoked`, `${lost} already-revoked`].sort()
    )
    expect(stderr.slice(5).map((line) => line.slice(0, 6))).toEqual(["[1/3] ", "[2/3] ", "[3/3] "])
    expect(stderr).toHaveLength(8)

    // The server: the reads, the scripted faults, their retries, and the three tokens gone.
    const labels = labelled(revoke.requests)
    expect(labels.slice(0, 2).sort()).toEqual(["GET current 200", "list 200"])
    const deletes = labels.filter((label) => label.startsWith("DELETE") && !label.endsWith(" 429"))
    expect(deletes.sort()).toEqual(
      [
        `DELETE ${lost} reset after revoking`,
        `DELETE ${lost} 404`,
        `DELETE ${unavailable} 503`,
        `DELETE ${unavailable} 200`,
        `DELETE ${plain} 200`
      ].sort()
    )
    // The first DELETE, for the first token selected, went alone, and its answer was lost.
    expect(labels[2]).toBe(`DELETE ${lost} reset after revoking`)
    for (const id of leaked) expect(revoke.live).not.toContain(id)
    expect(revoke.live).toHaveLength(9)
    expect(revoke.live).toContain(self)

    // Paced: the 7 requests overrun a window of 6, and the gate costs at most one 429 (its early
    // probe) per window it waits out: none in the last one.
    const perWindow = Facts.rateLimitedPerWindow(revoke.requests)
    expect(perWindow.length).toBeGreaterThanOrEqual(2)
    for (const n of perWindow) expect(n).toBeLessThanOrEqual(1)
    expect(perWindow.at(-1)).toBe(0)
    expect(revoke.requests).toHaveLength(7 + Facts.count(revoke.requests, 429))
    expect(
      Facts.windows(revoke.requests).every(({ request, used }) => request.status === 429 || used <= rateLimit.limit)
    )
      .toBe(true)
    expect(revoke.problems).toEqual([])
  })

  it("5. rotates the CI token: the secret once on stdout, the old token revoked, the new one working", () => {
    const { rotate, verify } = incident.steps
    const { token } = incident.rotated
    expect(rotate.command).toBe(`vercel-auth tokens rotate ${ci} > ci-token`)
    expect(rotate.run.code).toBe(0)
    expect(rotate.run.stdout).toMatch(/^vcp_[0-9a-f]{48}\n$/)
    expect(incident.rotated.secret).toBe(rotate.run.stdout.trim())
    expect(token).toBeDefined()
    const stderr = rotate.run.stderr.trimEnd().split("\n")
    expect(stderr).toEqual([
      `Created ${token!.id} ("github-actions-deploy", expires ${
        new Date(token!.expiresAt!).toISOString()
      }) to replace ${ci}. Its secret is on stdout and is shown only this once.`,
      `Revoked ${ci}.`
    ])
    // The old token's 180-day lifetime, counted from the rotation.
    expect(token!.name).toBe("github-actions-deploy")
    expect(Math.abs(token!.expiresAt! - token!.createdAt - 180 * day)).toBeLessThan(5_000)
    expect(labelled(rotate.requests)).toEqual([`GET ${ci} 200`, "create 200", `DELETE ${ci} 200`])
    expect(rotate.live).not.toContain(ci)
    expect(rotate.live).toContain(token!.id)
    expect(rotate.live).toHaveLength(9)
    expect(rotate.problems).toEqual([])

    expect(verify.command).toBe("vercel-auth tokens get current --token-file ci-token")
    expect(verify.run.code).toBe(0)
    expect(verify.run.stdout.split("\n").slice(0, 3)).toEqual([
      `id            ${token!.id} (the token this command ran as)`,
      "name          github-actions-deploy",
      "type          oauth2-token"
    ])
    expect(verify.requests.map((request) => [Facts.label(request), request.status, request.bearerId])).toEqual([
      ["GET current", 200, token!.id]
    ])
    expect(verify.problems).toEqual([])
  })

  it("prints each command as typed, never a secret, in under 100 lines and a few seconds", () => {
    expect(incident.ok).toBe(true)
    expect(printed).toEqual(incident.lines)
    const commands = printed.filter((line) => line.startsWith("$ "))
    expect(commands).toEqual([
      "$ vercel-auth tokens list",
      "$ vercel-auth tokens list --leaked",
      "$ vercel-auth tokens revoke --leaked --dry-run",
      "$ vercel-auth tokens revoke --leaked --yes --json > incident.jsonl",
      "$ cat incident.jsonl",
      `$ vercel-auth tokens rotate ${ci} > ci-token`,
      "$ vercel-auth tokens get current --token-file ci-token"
    ])
    const output = printed.join("\n")
    // The responder's bearer token: not in the demo's lines, nor in anything the CLI printed.
    expect(output).not.toContain(incident.account.secret)
    for (const step of Object.values(incident.steps)) {
      expect(step.run.stdout).not.toContain(incident.account.secret)
      expect(step.run.stderr).not.toContain(incident.account.secret)
    }
    // The new CI secret went to ci-token only.
    expect(output).not.toContain(incident.rotated.secret)
    expect(output).not.toMatch(/vcp_[0-9a-f]{8}/)
    // Facts and notes for every step; the JSON record shown as it was written.
    expect(printed.filter((line) => line.startsWith("[exit 0] server: "))).toHaveLength(6)
    expect(printed.filter((line) => /^\[exit [1-9]/.test(line))).toEqual([])
    for (const line of incident.steps.revoke.run.stdout.trimEnd().split("\n")) expect(printed).toContain(line)
    expect(output).toContain("first DELETE, alone; scripted: its answer is lost")
    expect(output).toContain("scripted 503")
    expect(printed.filter((line) => line.startsWith("UNEXPECTED"))).toEqual([])
    expect(output).toMatch(
      /\nEvery step ended as expected, in \d+\.\d s; the responder's token appeared in no output\.\n/
    )
    expect(printed.length).toBeLessThanOrEqual(100)
    expect(incident.ms).toBeLessThan(30_000)
  })
})
