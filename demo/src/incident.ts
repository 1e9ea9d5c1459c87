/**
 * The demo: a leaked-token incident on the embedded server, handled with the real `vercel-auth`
 * executable, as a responder would type it. Each step prints the command, what the CLI printed, the
 * server's side of it and a note on what to notice. `runIncident` returns every step's outcome, so
 * that a test can check them, and says whether each ended as the story expects.
 */
import type { MockVercelServer } from "@vercel-auth/testing"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { isAbsolute, join, relative } from "node:path"
import { type Account, makeAccount, unusedFor, usedSinceLeak } from "./account.js"
import * as Facts from "./facts.js"
import { and, seconds, wrap } from "./format.js"
import { rateLimit } from "./rateLimit.js"
import { startServer } from "./server.js"
import { checkBin, defaultBin, type Run, type Shell, vercelAuth } from "./shell.js"

type Request = MockVercelServer.RecordedRequest

export interface Step {
  /** The command line as typed, after `$ `. */
  readonly command: string
  readonly run: Run
  /** The requests the server saw while the command ran, in arrival order. */
  readonly requests: ReadonlyArray<Request>
  /** The ids of the account's live tokens once the command was done, newest first. */
  readonly live: ReadonlyArray<string>
  /** What did not go as the story expects; empty when the step ended as expected. */
  readonly problems: ReadonlyArray<string>
}

/** An outcome line of the incident record (`revoke --json`). */
export interface OutcomeLine {
  readonly tokenId: string
  readonly name: string | null
  readonly outcome: string
  readonly [field: string]: unknown
}

/** A line of the incident record: an outcome, or the summary that ends it. */
export type RecordLine = OutcomeLine | { readonly summary: Readonly<Record<string, number>> }

export interface Incident {
  readonly account: Account
  readonly steps: {
    readonly list: Step
    readonly leaked: Step
    readonly dryRun: Step
    readonly revoke: Step
    readonly rotate: Step
    readonly verify: Step
  }
  /** `incident.jsonl`, parsed. */
  readonly record: ReadonlyArray<RecordLine>
  /** The CI token's rotation: the old id, and the new token as the server keeps it, and its secret. */
  readonly rotated: {
    readonly oldId: string
    readonly token: MockVercelServer.TokenRecord | undefined
    readonly secret: string
  }
  /** Every line the demo printed. */
  readonly lines: ReadonlyArray<string>
  /** Whether every step ended as expected. */
  readonly ok: boolean
  readonly ms: number
}

export interface Options {
  /** The `vercel-auth` executable; the repository's `packages/cli/dist/vercel-auth.mjs` by default. */
  readonly bin?: string | undefined
  /** Where the lines go; `console.log` by default. */
  readonly log?: ((line: string) => void) | undefined
}

/** Of the demo's own text; what the CLI prints is shown as it is. */
const width = 100

/** The token ids at the start of a table's rows (the `*` of the calling token dropped). */
export const rowIds = (table: string): ReadonlyArray<string> =>
  table.split("\n").flatMap((line) => /^(tok_\w+)\*?\s/.exec(line)?.[1] ?? [])

export const isOutcome = (line: RecordLine): line is OutcomeLine => "tokenId" in line

type Check = readonly [ok: boolean, problem: string]

export const runIncident = async (options: Options = {}): Promise<Incident> => {
  const log = options.log ?? ((line: string) => console.log(line))
  const lines: Array<string> = []
  const say = (line = "") => {
    lines.push(line)
    log(line)
  }
  const note = (text: string) => wrap(text, width - 2).forEach((line) => say(`# ${line}`))

  const bin = options.bin ?? defaultBin
  checkBin(bin)
  const started = performance.now()
  const demo = await startServer(makeAccount)
  const cwd = mkdtempSync(join(tmpdir(), "vercel-auth-demo-"))
  try {
    const shell: Shell = {
      bin,
      cwd,
      // Only what the CLI needs: the token, the server, and PATH. Never the token on a command line.
      env: { PATH: process.env.PATH ?? "", VERCEL_TOKEN: demo.secret, VERCEL_API_URL: demo.url }
    }
    const shown = relative(process.cwd(), bin)
    say(
      `vercel-auth demo: a leaked-token incident, handled with the vercel-auth CLI (${
        shown.startsWith("..") || isAbsolute(shown) ? bin : shown
      })`
    )
    wrap(
      `The API: a MockVercelServer at ${demo.url} with the acme team's ${demo.size} (made-up) tokens, ${rateLimit.limit} requests per ${
        rateLimit.windowMs / 1000
      } s per token, and two DELETEs failing (a 503; a reset after revoking). The responder's token is in VERCEL_TOKEN only.`,
      width
    ).forEach((line) => say(line))

    const problems: Array<string> = []
    const step = async (
      title: string | undefined,
      args: ReadonlyArray<string>,
      options: { readonly stdoutTo?: string; readonly freshWindow?: boolean } = {}
    ): Promise<Omit<Step, "problems">> => {
      // A pause for the rate-limit window the commands before used to reset: this one starts on a full one.
      const waited = options.freshWindow === true ? await demo.freshWindow() : 0
      if (title !== undefined) {
        say()
        say(`${title}${waited >= 50 ? ` (after a ${seconds(waited)} pause, for a fresh rate-limit window)` : ""}`)
      }
      const command = `vercel-auth ${args.join(" ")}${options.stdoutTo === undefined ? "" : ` > ${options.stdoutTo}`}`
      say(`$ ${command}`)
      const before = demo.server.requests.length
      const run = await vercelAuth(shell, args, { stdoutTo: options.stdoutTo })
      for (const line of run.screen) say(line)
      const live = demo.live().map((token) => token.id)
      return { command, run, requests: demo.server.requests.slice(before), live }
    }
    const facts = (done: Omit<Step, "problems">) =>
      wrap(
        `[exit ${done.run.code}] server: ${Facts.summary(done.requests)}; ${
          Facts.plural(done.live.length, "token")
        } live`,
        120
      ).forEach((line, i) => say(i === 0 ? line : `  ${line}`))
    const expect = (done: Omit<Step, "problems">, checks: ReadonlyArray<Check>): Step => {
      const failed = checks.filter(([ok]) => !ok).map(([, problem]) => `${done.command}: ${problem}`)
      problems.push(...failed)
      return { ...done, problems: failed }
    }
    const exits = (done: Omit<Step, "problems">, code: number): Check => [
      done.run.code === code,
      `exit ${done.run.code}, expected ${code}`
    ]
    const noRateLimit = (done: Omit<Step, "problems">): Check => [
      Facts.count(done.requests, 429) === 0,
      `${Facts.count(done.requests, 429)} × 429, expected none`
    ]
    const everyToken = [demo.selfId, ...demo.tokens.map((token) => token.id)]

    // 1. What is there.
    const listRun = await step("1. What is in the account?", ["tokens", "list"])
    facts(listRun)
    const active = usedSinceLeak(demo).map((token) => token.name!)
    const stale = unusedFor(demo, Date.now(), 180 * 86_400_000).map((token) => token.name!)
    note(
      `newest first; * is your own token. ${demo.leakedIds.length} have a LEAKED date; ${and(active)} ${
        active.length === 1 ? "was" : "were"
      } used after it. ${and(stale)}: unused for six months or more.`
    )
    const list = expect(listRun, [
      exits(listRun, 0),
      [
        rowIds(listRun.run.stdout).length === demo.size &&
        everyToken.every((id) => rowIds(listRun.run.stdout).includes(id)),
        "expected every token of the account"
      ],
      [listRun.run.stdout.includes(`${demo.selfId}*`), "expected the calling token marked *"],
      [listRun.requests.length === 2, `${listRun.requests.length} requests, expected 2`],
      noRateLimit(listRun)
    ])

    // 2. The leaked ones.
    const leakedRun = await step("2. Which tokens leaked?", ["tokens", "list", "--leaked"])
    facts(leakedRun)
    note("what revoke --leaked will select; --json adds where each one leaked (leakedUrl).")
    const leaked = expect(leakedRun, [
      exits(leakedRun, 0),
      [
        rowIds(leakedRun.run.stdout).join() === demo.leakedIds.join(),
        `listed ${rowIds(leakedRun.run.stdout).join(", ")}, expected ${demo.leakedIds.join(", ")}`
      ],
      noRateLimit(leakedRun)
    ])

    // 3. A dry run.
    const dryRunRun = await step("3. What would revoking them do?", ["tokens", "revoke", "--leaked", "--dry-run"])
    facts(dryRunRun)
    note("no DELETE sent. Without --yes, and no terminal to confirm on, revoke refuses (exit 2).")
    const wouldRevoke = dryRunRun.run.stdout.split("\n").filter((line) => /\swould-revoke$/.test(line))
    const dryRun = expect(dryRunRun, [
      exits(dryRunRun, 0),
      [
        rowIds(wouldRevoke.join("\n")).join() === demo.leakedIds.join(),
        "expected the leaked tokens, and only them, as would-revoke"
      ],
      [dryRunRun.requests.every((request) => request.route !== "delete"), "a DELETE was sent"],
      [dryRunRun.live.length === demo.size, "expected every token still live"],
      noRateLimit(dryRunRun)
    ])

    // 4. The revocation, through the rate limit and the flaky network.
    const revokeRun = await step(
      "4. Revoke them, keeping the incident record",
      ["tokens", "revoke", "--leaked", "--yes", "--json"],
      { stdoutTo: "incident.jsonl", freshWindow: true }
    )
    const perWindow = Facts.rateLimitedPerWindow(revokeRun.requests)
    const rateLimited = Facts.count(revokeRun.requests, 429)
    say(
      `[exit ${revokeRun.run.code}] server: ${Facts.plural(revokeRun.requests.length, "request")} in ${
        Facts.plural(perWindow.length, "window")
      } of ${rateLimit.limit}, ${rateLimited} × 429; ${Facts.plural(revokeRun.live.length, "token")} live`
    )
    for (const line of timeline(revokeRun.requests)) say(line)
    note(
      `no 429 per request: the client counts what the answers say is left, holds retries at its gate, and probes the next window early${
        rateLimited > 0 ? " (its 429 is the one a window may cost)" : ""
      }.`
    )
    say("$ cat incident.jsonl")
    for (const line of revokeRun.run.stdout.replace(/\n$/, "").split("\n")) say(line)
    const record = revokeRun.run.stdout.split("\n").filter((line) => line !== "").map((line) =>
      JSON.parse(line) as RecordLine
    )
    const outcomes = record.filter(isOutcome)
    const outcomeOf = new Map(outcomes.map((line) => [line.tokenId, line.outcome]))
    note(
      `the record to keep. ${
        demo.tokens.find((token) => token.id === demo.lostId)?.name
      } is already-revoked, not failed: answer lost, the retry got a 404.`
    )
    const last = record.at(-1)
    const deletes = revokeRun.requests.filter((request) => request.route === "delete")
    const revoke = expect(revokeRun, [
      exits(revokeRun, 0),
      [
        outcomes.length === demo.leakedIds.length &&
        demo.leakedIds.every((id) => outcomeOf.get(id) === (id === demo.lostId ? "already-revoked" : "revoked")),
        `outcomes ${JSON.stringify(Object.fromEntries(outcomeOf))}`
      ],
      [
        last !== undefined && !isOutcome(last) &&
        JSON.stringify(last) ===
          JSON.stringify({
            summary: { revoked: demo.leakedIds.length - 1, alreadyRevoked: 1, failed: 0, wouldRevoke: 0 }
          }),
        `the record ends with ${JSON.stringify(last)}`
      ],
      [demo.leakedIds.every((id) => !revokeRun.live.includes(id)), "a leaked token is still live"],
      [revokeRun.live.length === demo.size - demo.leakedIds.length, `${revokeRun.live.length} tokens live`],
      [
        deletes.some((r) => r.tokenId === demo.lostId && r.action === "reset" && r.deleted === demo.lostId) &&
        deletes.some((r) => r.tokenId === demo.unavailableId && r.status === 503),
        "expected the scripted reset and 503"
      ],
      [
        perWindow.length >= 2 && perWindow.every((n) => n <= 1) && perWindow.at(-1) === 0,
        `429s per window: ${perWindow.join(", ")}; expected at most one (the early probe) in each window but the last`
      ]
    ])

    // 5. Rotate the CI token, and check the new secret.
    const ci = demo.tokens.find((token) => token.id === demo.ciId)!
    const lifetimeDays = Math.round((ci.expiresAt! - ci.createdAt!) / 86_400_000)
    const rotateRun = await step("5. Rotate the CI token", ["tokens", "rotate", demo.ciId], { stdoutTo: "ci-token" })
    facts(rotateRun)
    const secret = rotateRun.run.stdout.trim()
    const newId = rotateRun.requests.find((request) => request.route === "create")?.created
    const token = newId === undefined ? undefined : demo.server.token(newId)
    note(
      `ci-token holds the new secret alone (${secret.length} characters, not shown); same name, ${lifetimeDays}-day lifetime.`
    )
    const rotate = expect(rotateRun, [
      exits(rotateRun, 0),
      [/^vcp_[0-9a-f]+\n$/.test(rotateRun.run.stdout), "expected the new secret, alone on stdout"],
      [!rotateRun.live.includes(demo.ciId), `${demo.ciId} is still live`],
      [newId !== undefined && rotateRun.live.includes(newId), "expected the new token live"],
      [token?.name === ci.name, `the new token is named ${token?.name}, expected ${ci.name}`],
      noRateLimit(rotateRun)
    ])
    const verifyRun = await step(undefined, ["tokens", "get", "current", "--token-file", "ci-token"])
    facts(verifyRun)
    note("the new secret works (--token-file wins over VERCEL_TOKEN): hand it to CI, then delete the file.")
    const verify = expect(verifyRun, [
      exits(verifyRun, 0),
      [
        verifyRun.run.stdout.startsWith(`id            ${newId} (the token this command ran as)\n`),
        "expected the new token's card"
      ],
      [
        verifyRun.requests.length === 1 && verifyRun.requests[0]!.bearerId === newId,
        "expected one request, as the new token"
      ]
    ])

    // 6. Summary.
    const steps = { list, leaked, dryRun, revoke, rotate, verify }
    const all = Object.values(steps)
    const requests = all.flatMap((done) => done.requests)
    const printed = [...lines, ...all.flatMap((done) => [done.run.stdout, done.run.stderr])].join("\n")
    if (printed.includes(demo.secret)) problems.push("the responder's token was printed")
    if (secret !== "" && lines.some((line) => line.includes(secret))) problems.push("the new CI secret was shown")
    const count = (outcome: string) => outcomes.filter((line) => line.outcome === outcome).length
    say()
    say("6. Summary")
    say(
      `   leaked     ${demo.leakedIds.length} found: ${count("revoked")} revoked, ${
        count("already-revoked")
      } already-revoked (its answer was lost; the retry settled it), ${count("failed")} failed`
    )
    say(`   CI token   ${demo.ciId} replaced by ${newId ?? "nothing"}, which works; ${demo.ciId} revoked`)
    say(
      `   server     ${Facts.plural(requests.length, "request")} from ${all.length} commands; ${
        Facts.count(requests, 503)
      } × 503 and ${requests.filter((r) => r.action === "reset").length} reset, both retried; ${
        Facts.count(requests, 429)
      } × 429; ${demo.live().length} of ${demo.size} tokens live`
    )
    const ms = performance.now() - started
    if (problems.length === 0) {
      say(`Every step ended as expected, in ${seconds(ms)}; the responder's token appeared in no output.`)
    }
    for (const problem of problems) say(`UNEXPECTED: ${problem}`)
    say("For real: npm install --global @vercel-auth/cli, export VERCEL_TOKEN; see docs/incident-response.md.")
    return {
      account: demo,
      steps,
      record,
      rotated: { oldId: demo.ciId, token, secret },
      lines,
      ok: problems.length === 0,
      ms
    }
  } finally {
    rmSync(cwd, { recursive: true, force: true })
    await demo.close()
  }
}

/**
 * The revocation as the server saw it, a line per request: when it arrived (ms after the first), what
 * it came to, the rate-limit window's count after it, and what it shows.
 */
const timeline = (requests: ReadonlyArray<Request>): ReadonlyArray<string> => {
  const placed = Facts.windows(requests)
  const start = requests[0]?.at ?? 0
  // A window's reset as the server announces it (X-RateLimit-Reset): whole seconds, so up to 1 s late.
  const announced = (windowStart: number) => Math.ceil((windowStart + rateLimit.windowMs) / 1000) * 1000
  const row = (ms: string, what: string, answer: string, count: string, notes: string) =>
    `${ms.padStart(6)}  ${what.padEnd(20)}${answer.padEnd(22)}${count.padEnd(7)}${notes}`.trimEnd()
  const out = [row("ms", "request", "answer", "window", "")]
  const spent = new Set(placed.filter((entry) => entry.used >= rateLimit.limit).map((entry) => entry.window))
  let firstDelete = true
  // The reads before the first DELETE, on one row.
  const reads = placed.slice(0, Math.max(0, placed.findIndex(({ request }) => request.route === "delete")))
  if (reads.length > 0) {
    out.push(
      row(
        String(reads[0]!.request.at - start),
        reads.map(({ request }) => Facts.label(request)).join(", "),
        reads.map(({ request }) => Facts.fate(request)).join(", "),
        `${reads.at(-1)!.used}/${rateLimit.limit}`,
        ""
      )
    )
  }
  let previous = reads.at(-1)
  for (const entry of placed.slice(reads.length)) {
    const { request, used, window } = entry
    const notes: Array<string> = []
    if (request.route === "delete" && firstDelete) {
      notes.push("first DELETE, alone")
      firstDelete = false
    }
    if (request.action === "reset") notes.push("scripted: its answer is lost")
    if (request.action === "status") notes.push(`scripted ${request.status}`)
    if (request.status === 429) {
      const early = announced(entry.start) - request.at
      notes.push(
        early > 0 && spent.has(window) ? `the early probe, ${early} ms before the announced reset: expected` : "429"
      )
    } else if (previous !== undefined && window > previous.window) {
      const early = announced(previous.start) - request.at
      notes.push(
        previous.request.status === 429
          ? "new window, at the reset the 429 named"
          : early > 0 && spent.has(previous.window)
          ? `the early probe, ${early} ms before the announced reset`
          : "new window"
      )
    }
    if (request.route === "delete" && request.status === 404) notes.push("already gone")
    if (used === rateLimit.limit && entry !== placed.at(-1)) notes.push("window spent")
    out.push(
      row(
        String(request.at - start),
        Facts.label(request),
        Facts.fate(request),
        request.status === 429 ? "over" : `${used}/${rateLimit.limit}`,
        notes.join("; ")
      )
    )
    previous = entry
  }
  return out
}
