/**
 * The JSON written by `--json`, one object per line: a token (`list`, `get`), or a revocation's
 * outcome followed by a summary (`revoke`). These lines are meant to be kept as the incident record,
 * so their fields are stable and documented in `docs/incident-response.md`.
 *
 * @since 0.1.0
 */
import type { AuthToken, DeleteResult } from "@vercel-auth/adapter"

/**
 * A token as `list --json` and `get --json` write it: dates as ISO strings, optional fields only
 * when Vercel sent them, and `current: true` on the token the command ran as.
 *
 * @since 0.1.0
 * @category models
 */
export interface TokenRecord {
  readonly tokenId: string
  readonly name: string
  readonly type: string
  readonly origin?: string
  readonly createdAt: string
  readonly activeAt: string
  readonly expiresAt?: string
  readonly leakedAt?: string
  readonly leakedUrl?: string
  readonly current?: true
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const token = (token: AuthToken, current: boolean): TokenRecord => ({
  tokenId: token.id,
  name: token.name,
  type: token.type,
  ...(token.origin === undefined ? {} : { origin: token.origin }),
  createdAt: token.createdAt.toISOString(),
  activeAt: token.activeAt.toISOString(),
  ...(token.expiresAt === undefined ? {} : { expiresAt: token.expiresAt.toISOString() }),
  ...(token.leakedAt === undefined ? {} : { leakedAt: token.leakedAt.toISOString() }),
  ...(token.leakedUrl === undefined ? {} : { leakedUrl: token.leakedUrl }),
  ...(current ? { current: true as const } : {})
})

/**
 * What happened to one token.
 *
 * @since 0.1.0
 * @category models
 */
export type Outcome = "revoked" | "already-revoked" | "failed" | "would-revoke"

/**
 * One line of a revocation's record. `name` is `null` for an id named on the command line and not
 * otherwise seen (the CLI spends no request looking names up before revoking). Failures carry the
 * error's tag, the HTTP status and Vercel's request id when a response was seen, the attempts made
 * and the error's message.
 *
 * @since 0.1.0
 * @category models
 */
export interface OutcomeRecord {
  readonly tokenId: string
  readonly name: string | null
  readonly outcome: Outcome
  readonly current?: true
  readonly error?: string
  readonly status?: number
  readonly requestId?: string
  readonly attempts?: number
  readonly message?: string
  /** When the outcome was known (ISO); absent for `would-revoke`. */
  readonly at?: string
}

/**
 * A token picked for revocation: its id, and what is known of it.
 *
 * @since 0.1.0
 * @category models
 */
export interface Target {
  /** The id sent: `current` for the calling token named so. */
  readonly tokenId: string
  /** The id reported: the calling token's real id for `current`. */
  readonly reportedId: string
  readonly token: AuthToken | undefined
  readonly current: boolean
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const outcome = (target: Target, result: DeleteResult | undefined, at: Date | undefined): OutcomeRecord => {
  const base = {
    tokenId: target.reportedId,
    name: target.token?.name ?? null,
    ...(target.current ? { current: true as const } : {})
  }
  if (result === undefined) return { ...base, outcome: "would-revoke" }
  const when = at === undefined ? {} : { at: at.toISOString() }
  if (result.ok) {
    return { ...base, outcome: result.token.alreadyDeleted === true ? "already-revoked" : "revoked", ...when }
  }
  const error = result.error
  return {
    ...base,
    outcome: "failed",
    error: error._tag,
    ...("status" in error && typeof error.status === "number" ? { status: error.status } : {}),
    ...("requestId" in error && typeof error.requestId === "string" ? { requestId: error.requestId } : {}),
    attempts: error.attempts,
    message: error.message,
    ...when
  }
}

/**
 * The last line of a revocation's record.
 *
 * @since 0.1.0
 * @category models
 */
export interface Summary {
  readonly revoked: number
  readonly alreadyRevoked: number
  readonly failed: number
  readonly wouldRevoke: number
}

/**
 * @since 0.1.0
 * @category constructors
 */
export const summary = (outcomes: ReadonlyArray<OutcomeRecord>): Summary => ({
  revoked: outcomes.filter((o) => o.outcome === "revoked").length,
  alreadyRevoked: outcomes.filter((o) => o.outcome === "already-revoked").length,
  failed: outcomes.filter((o) => o.outcome === "failed").length,
  wouldRevoke: outcomes.filter((o) => o.outcome === "would-revoke").length
})
