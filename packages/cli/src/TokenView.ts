/**
 * Tokens and outcomes as the person at the terminal reads them: the tables of `list`, of a
 * revocation's selection and of its results, and the card of `get`.
 *
 * @since 0.1.0
 */
import type { AuthToken } from "@vercel-auth/adapter"
import { sanitize } from "./Io.js"
import type { OutcomeRecord, Summary, Target } from "./Records.js"
import * as Table from "./Table.js"

const marker = (token: AuthToken, currentId: string | undefined) => token.id === currentId ? "*" : ""

/**
 * One row per token; the calling token is marked `*` and explained under the table.
 *
 * @since 0.1.0
 * @category formatting
 */
export const tokens = (list: ReadonlyArray<AuthToken>, currentId: string | undefined): string => {
  const table = Table.render<AuthToken>([
    { header: "TOKEN ID", cell: (token) => `${token.id}${marker(token, currentId)}` },
    { header: "NAME", cell: (token) => token.name, max: 40 },
    { header: "TYPE", cell: (token) => token.type, max: 16 },
    { header: "CREATED", cell: (token) => Table.date(token.createdAt) },
    { header: "LAST USED", cell: (token) => Table.date(token.activeAt) },
    { header: "EXPIRES", cell: (token) => Table.date(token.expiresAt) },
    { header: "LEAKED", cell: (token) => Table.date(token.leakedAt) }
  ], list)
  return list.some((token) => token.id === currentId)
    ? `${table}\n* the token this command ran as`
    : table
}

/**
 * What a revocation is about to revoke: the tokens seen in the listing, and the ids named (of which
 * only the id is known).
 *
 * @since 0.1.0
 * @category formatting
 */
export const selection = (targets: ReadonlyArray<Target>): string => {
  const table = Table.render<Target>([
    { header: "TOKEN ID", cell: (target) => `${target.reportedId}${target.current ? "*" : ""}` },
    { header: "NAME", cell: (target) => target.token?.name ?? "-", max: 40 },
    { header: "CREATED", cell: (target) => Table.date(target.token?.createdAt) },
    { header: "LAST USED", cell: (target) => Table.date(target.token?.activeAt) },
    { header: "EXPIRES", cell: (target) => Table.date(target.token?.expiresAt) },
    { header: "LEAKED", cell: (target) => Table.date(target.token?.leakedAt) }
  ], targets)
  return targets.some((target) => target.current) ? `${table}\n* the token this command runs as (revoked last)` : table
}

/**
 * Every field of one token, a line each.
 *
 * @since 0.1.0
 * @category formatting
 */
export const card = (token: AuthToken, current: boolean): string => {
  const scopes = (token.scopes ?? []).map((scope) =>
    scope.type === "team" && "teamId" in scope ? `team ${scope.teamId}` : scope.type
  )
  const lines: Array<[string, string | undefined]> = [
    ["id", `${token.id}${current ? " (the token this command ran as)" : ""}`],
    ["name", token.name],
    ["type", token.type],
    ["origin", token.origin],
    ["created", token.createdAt.toISOString()],
    ["last used", token.activeAt.toISOString()],
    ["expires", token.expiresAt?.toISOString() ?? "never"],
    ["leaked", token.leakedAt?.toISOString()],
    ["leaked at url", token.leakedUrl],
    ["scopes", scopes.length === 0 ? undefined : scopes.join(", ")]
  ]
  return lines
    .filter((line): line is [string, string] => line[1] !== undefined)
    .map(([label, value]) => `${label.padEnd(14)}${sanitize(value)}`)
    .join("\n")
}

const detail = (record: OutcomeRecord): string =>
  record.error === undefined ? "" : [
    record.error,
    record.status === undefined ? undefined : String(record.status),
    record.attempts === undefined ? undefined : `${record.attempts} ${record.attempts === 1 ? "attempt" : "attempts"}`,
    record.requestId === undefined ? undefined : `request ${record.requestId}`
  ].filter((part) => part !== undefined).join(", ")

/**
 * The results of a revocation, then one line of counts.
 *
 * @since 0.1.0
 * @category formatting
 */
export const outcomes = (records: ReadonlyArray<OutcomeRecord>, summary: Summary, dryRun: boolean): string =>
  records.length === 0 ? summaryLine(summary, dryRun) : `${
    Table.render<OutcomeRecord>([
      { header: "TOKEN ID", cell: (record) => `${record.tokenId}${record.current === true ? "*" : ""}` },
      { header: "NAME", cell: (record) => record.name ?? "-", max: 40 },
      { header: "OUTCOME", cell: (record) => record.outcome },
      { header: "DETAIL", cell: detail }
    ], records)
  }\n${records.some((record) => record.current === true) ? "* the token this command ran as\n" : ""}${
    summaryLine(summary, dryRun)
  }`

/**
 * `revoked 3, already revoked 1, failed 0`, or `would revoke 4` for a dry run.
 *
 * @since 0.1.0
 * @category formatting
 */
export const summaryLine = (summary: Summary, dryRun: boolean): string =>
  dryRun
    ? `would revoke ${summary.wouldRevoke} (dry run: no DELETE was sent)`
    : `revoked ${summary.revoked}, already revoked ${summary.alreadyRevoked}, failed ${summary.failed}`
