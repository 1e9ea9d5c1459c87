/**
 * The account the incident happens in: a small team's dozen tokens, as a real one looks after a year
 * or two: the responder's laptop, a CI deploy token, bots and integrations, a few tokens nobody has
 * used for months, and three that Vercel has flagged as leaked (two of them used since).
 */
import type { MockVercelServer } from "@vercel-auth/testing"
import { randomBytes } from "node:crypto"

const minute = 60_000
const hour = 60 * minute
const day = 24 * hour

export interface Account {
  /** The responder's bearer secret (made up). Treated like a real one: it is never printed. */
  readonly secret: string
  readonly self: MockVercelServer.TokenSeed
  readonly tokens: ReadonlyArray<MockVercelServer.TokenSeed>
  /** The responder's own token. */
  readonly selfId: string
  /** The CI token the responder rotates. */
  readonly ciId: string
  /** The leaked tokens, newest first (the order `list` shows them and `revoke` sends them). */
  readonly leakedIds: ReadonlyArray<string>
  /** The leaked token whose first DELETE is answered 503. */
  readonly unavailableId: string
  /** The leaked token whose first DELETE revokes it, then loses the answer (connection reset). */
  readonly lostId: string
  /** Every token of the account, the responder's included. */
  readonly size: number
}

/** The account as of `now` (epoch ms, the server's clock): every date counts back from it. */
export const makeAccount = (now: number): Account => {
  const ago = (ms: number) => now - ms
  const self: MockVercelServer.TokenSeed = {
    id: "tok_1Rz4yP6",
    name: "oncall-laptop",
    createdAt: ago(21 * day),
    activeAt: ago(2 * minute),
    expiresAt: now + 69 * day
  }
  const tokens: ReadonlyArray<MockVercelServer.TokenSeed> = [
    {
      id: "tok_8Jd1mR3",
      name: "preview-bot",
      createdAt: ago(9 * day),
      activeAt: ago(40 * minute),
      leakedAt: ago(3 * hour),
      leakedUrl: "https://github.com/acme/storefront/blob/main/.env.preview"
    },
    {
      id: "tok_4Xb2kQ9",
      name: "github-actions-deploy",
      createdAt: ago(34 * day),
      activeAt: ago(12 * minute),
      // A 180-day token: `rotate` gives its replacement the same lifetime, from now.
      expiresAt: ago(34 * day) + 180 * day
    },
    { id: "tok_7Vn2wL4", name: "vercel-cli-dana", createdAt: ago(48 * day), activeAt: ago(2 * hour) },
    {
      id: "tok_5Mn8bV2",
      name: "staging-sync",
      createdAt: ago(77 * day),
      activeAt: ago(6 * hour),
      leakedAt: ago(5 * hour),
      leakedUrl: "https://gist.github.com/acme-bot/0badc0de"
    },
    { id: "tok_3Kc9tF1", name: "uptime-monitor", createdAt: ago(112 * day), activeAt: ago(4 * minute) },
    {
      id: "tok_6Qw3vN8",
      name: "temp-debug",
      createdAt: ago(150 * day),
      activeAt: ago(149 * day),
      expiresAt: ago(120 * day)
    },
    {
      id: "tok_2Lp7sT5",
      name: "analytics-export",
      createdAt: ago(203 * day),
      activeAt: ago(20 * minute),
      leakedAt: ago(1 * day),
      leakedUrl: "https://github.com/acme/analytics/blob/main/scripts/export.sh"
    },
    { id: "tok_9Gt4hX7", name: "terraform-prod", createdAt: ago(260 * day), activeAt: ago(1 * day) },
    { id: "tok_0Ye6pD3", name: "zapier-integration", createdAt: ago(340 * day), activeAt: ago(190 * day) },
    { id: "tok_9Hs5cK1", name: "legacy-import", createdAt: ago(420 * day), activeAt: ago(400 * day) },
    { id: "tok_5Wb8jM2", name: "old-macbook", createdAt: ago(610 * day), activeAt: ago(305 * day) }
  ]
  const leakedIds = tokens
    .filter((token) => token.leakedAt !== undefined)
    .sort((a, b) => b.createdAt! - a.createdAt!)
    .map((token) => token.id)
  return {
    // A fresh made-up secret per run, shaped like Vercel's: the demo and its test check it never shows up.
    secret: `vcp_${randomBytes(24).toString("hex")}`,
    self,
    tokens,
    selfId: self.id,
    ciId: "tok_4Xb2kQ9",
    leakedIds,
    // The flaky network hits the first two DELETEs `revoke --leaked` sends (newest first): the first
    // goes alone, loses its answer, and the second goes alone in its place, so both are deterministic.
    lostId: leakedIds[0]!,
    unavailableId: leakedIds[1]!,
    size: tokens.length + 1
  }
}

/** The tokens not used for `ms` or longer, for the notes. */
export const unusedFor = (account: Account, now: number, ms: number): ReadonlyArray<MockVercelServer.TokenSeed> =>
  account.tokens.filter((token) => token.activeAt !== undefined && token.activeAt < now - ms)

/** The leaked tokens used after Vercel flagged them. */
export const usedSinceLeak = (account: Account): ReadonlyArray<MockVercelServer.TokenSeed> =>
  account.tokens.filter((token) =>
    token.leakedAt !== undefined && token.activeAt !== undefined && token.activeAt > token.leakedAt
  )
