/**
 * `vercel-auth tokens revoke [<id>...] [filters] [--dry-run] [--yes] [--json]`: revokes the named
 * tokens at once, and the tokens the filters select once confirmed, through `deleteMany` (paced by
 * the rate-limit gate to what Vercel allows). The calling token is never selected by a filter; named
 * `current`, it is revoked last, after every other answer is in, since nothing can be sent after it.
 *
 * @since 0.1.0
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import type { AuthToken, DeleteResult, TokenService } from "@vercel-auth/adapter"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Stream from "effect/Stream"
import { type CommandFailed, fromTokenError, ItemsFailed, UsageError } from "./CliError.js"
import * as Credentials from "./Credentials.js"
import * as Ids from "./Ids.js"
import { Io } from "./Io.js"
import * as Progress from "./Progress.js"
import * as Records from "./Records.js"
import * as Session from "./Session.js"
import * as TokenFilter from "./TokenFilter.js"
import * as TokenView from "./TokenView.js"

const spec = {
  ids: Args.text({ name: "id" }).pipe(
    Args.withDescription(
      "Token ids to revoke without asking; `current` is the token this command runs as (revoked last)."
    ),
    Args.repeated
  ),
  ...TokenFilter.options,
  dryRun: Options.boolean("dry-run").pipe(Options.withDescription("Show what would be revoked; send no DELETE.")),
  yes: Options.boolean("yes").pipe(Options.withDescription("Revoke what the filters select without asking.")),
  json: Options.boolean("json").pipe(
    Options.withDescription("One JSON object per token on stdout, then a summary: the incident record.")
  ),
  ...Credentials.options
}

type Config = Command.Command.ParseConfig<typeof spec>

const valueFlags = ["--unused-for", "--older-than", "--name", "--token-file", "--api-url"]

const failed = (error: { readonly _tag: string; readonly message: string }) => fromTokenError(error)

interface Plan {
  readonly targets: ReadonlyArray<Records.Target>
  /** Picked by filters (and so to be confirmed), as opposed to named. */
  readonly selected: ReadonlyArray<AuthToken>
  /** The calling token matched the filters and was left out. */
  readonly selfExcluded: AuthToken | undefined
}

/** Who the calling token is, which tokens the names and filters pick, in the order they will go. */
const plan = (
  tokens: TokenService.Service,
  ids: ReadonlyArray<string>,
  filter: TokenFilter.TokenFilter
): Effect.Effect<Plan, CommandFailed | UsageError> =>
  Effect.gen(function*() {
    const self = yield* Effect.mapError(tokens.get("current"), failed)
    const namesCurrent = ids.includes("current")
    if (!namesCurrent && ids.includes(self.id)) {
      return yield* new UsageError({
        message:
          `${self.id} is the token this command runs as; name it \`current\` to revoke it (it is then revoked last)`
      })
    }
    const named = ids.filter((id) => id !== "current" && id !== self.id)
    const listed = TokenFilter.isActive(filter)
      ? Chunk.toReadonlyArray(yield* Effect.mapError(Stream.runCollect(tokens.list({ pageSize: 100 })), failed))
      : []
    const byId = new Map(listed.map((token) => [token.id, token]))
    const now = yield* Clock.currentTimeMillis
    const matching = listed.filter(TokenFilter.matches(filter, now))
    const selected = matching.filter((token) => token.id !== self.id && !named.includes(token.id))
    const targets: Array<Records.Target> = [
      ...named.map((id) => ({ tokenId: id, reportedId: id, token: byId.get(id), current: false })),
      ...selected.map((token) => ({ tokenId: token.id, reportedId: token.id, token, current: false })),
      ...(namesCurrent ? [{ tokenId: "current", reportedId: self.id, token: self, current: true }] : [])
    ]
    return { targets, selected, selfExcluded: matching.find((token) => token.id === self.id) }
  })

/** Asks, or refuses, before revoking what the filters picked. Named ids need no confirmation. */
const confirm = (config: Config, plan: Plan): Effect.Effect<void, UsageError, Io> =>
  Effect.gen(function*() {
    if (plan.selected.length === 0 || config.yes) return
    const io = yield* Io
    const count = `${plan.targets.length} ${plan.targets.length === 1 ? "token" : "tokens"}`
    if (!io.stdinIsTTY) {
      return yield* new UsageError({
        message: `refusing to revoke ${count} without --yes: there is no terminal to confirm on; nothing was sent`
      })
    }
    const yes = yield* io.confirm(`Revoke ${count}? [y/N] `)
    if (!yes) return yield* new UsageError({ message: "not confirmed; nothing was revoked" })
  })

/** Revokes `targets` through `deleteMany`, reporting each outcome as it arrives. */
const revoke = (
  tokens: TokenService.Service,
  targets: ReadonlyArray<Records.Target>,
  json: boolean
): Effect.Effect<ReadonlyArray<Records.OutcomeRecord>, never, Io> =>
  Effect.gen(function*() {
    const io = yield* Io
    const progress = Progress.make(io, targets.length)
    const byId = new Map(targets.map((target) => [target.tokenId, target]))
    const records: Array<Records.OutcomeRecord> = []
    const report = (result: DeleteResult) =>
      Effect.gen(function*() {
        const target = byId.get(result.tokenId)!
        const record = Records.outcome(target, result, new Date(yield* Clock.currentTimeMillis))
        records.push(record)
        if (json) yield* io.out(JSON.stringify(record))
        yield* progress.step(record)
      })
    const run = (ids: ReadonlyArray<string>) =>
      ids.length === 0 ? Effect.void : Stream.runForEach(tokens.deleteMany(ids, { missingOk: true }), report)
    const others = targets.filter((target) => !target.current).map((target) => target.tokenId)
    const current = targets.filter((target) => target.current).map((target) => target.tokenId)
    // The gate sends a client's first request of an endpoint alone, so the bulk is paced from the start.
    // The calling token goes alone and last: once it is revoked, no other request can be authenticated.
    yield* run(others).pipe(
      Effect.zipRight(run(current)),
      Effect.ensuring(progress.done),
      Effect.onInterrupt(() =>
        Effect.gen(function*() {
          const summary = Records.summary(records)
          if (json) yield* io.out(JSON.stringify({ summary, interrupted: true }))
          else if (records.length > 0) yield* io.out(TokenView.outcomes(order(targets, records), summary, false))
          yield* io.err(
            `interrupted: ${records.length} of ${targets.length} answered; the others may or may not be revoked`
          )
        })
      )
    )
    return order(targets, records)
  })

/** Outcomes in the order of the targets (named, then selected, then `current`), not completion order. */
const order = (
  targets: ReadonlyArray<Records.Target>,
  records: ReadonlyArray<Records.OutcomeRecord>
): ReadonlyArray<Records.OutcomeRecord> => {
  const rank = new Map(targets.map((target, i) => [target.reportedId, i]))
  return [...records].sort((a, b) => rank.get(a.tokenId)! - rank.get(b.tokenId)!)
}

/**
 * @since 0.1.0
 * @category handlers
 */
export const handler = (config: Config) =>
  Effect.gen(function*() {
    const io = yield* Io
    const filter = yield* TokenFilter.fromRaw(config)
    const ids = yield* Ids.check(config.ids, valueFlags)
    if (ids.length === 0 && !TokenFilter.isActive(filter)) {
      return yield* new UsageError({
        message:
          "nothing to revoke: name token ids (or `current`), or select tokens with --leaked, --expired, --unused-for, --older-than or --name"
      })
    }
    yield* Session.withTokens(config, (tokens) =>
      Effect.gen(function*() {
        const picked = yield* plan(tokens, ids, filter)
        if (picked.selfExcluded !== undefined) {
          yield* io.err(
            `note: ${picked.selfExcluded.id}, the token this command runs as, matches the filters but is never selected by them; name \`current\` to revoke it (last)`
          )
        }
        if (TokenFilter.isActive(filter) && !config.dryRun) {
          yield* io.err(
            picked.targets.length === 0
              ? `No token matches the filters (${TokenFilter.describe(config)}).`
              : `Selected (${TokenFilter.describe(config)}${ids.length === 0 ? "" : ", and the ids named"}):\n${
                TokenView.selection(picked.targets)
              }`
          )
        }
        let records: ReadonlyArray<Records.OutcomeRecord>
        if (config.dryRun) {
          records = picked.targets.map((target) => Records.outcome(target, undefined, undefined))
        } else {
          yield* confirm(config, picked)
          records = yield* revoke(tokens, picked.targets, config.json)
        }
        const summary = Records.summary(records)
        if (config.json) {
          if (config.dryRun) { for (const record of records) yield* io.out(JSON.stringify(record)) }
          yield* io.out(JSON.stringify({ summary }))
        } else {
          yield* io.out(TokenView.outcomes(records, summary, config.dryRun))
        }
        if (summary.failed > 0) return yield* new ItemsFailed({ failed: summary.failed })
      }))
  })

/**
 * @since 0.1.0
 * @category commands
 */
export const command = Command.make("revoke", spec, handler).pipe(
  Command.withDescription(
    "Revoke tokens: the ids named at once, the tokens the filters select after confirmation (--yes to skip it)."
  )
)
