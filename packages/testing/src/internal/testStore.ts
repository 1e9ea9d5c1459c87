/**
 * The tokens behind `TokenServiceTest`, kept as Vercel sends them (epoch milliseconds) and read through
 * core's own `AuthToken` schema, so that the double shows a token exactly as the real service decodes
 * it. The defaults, the list order and what `create` makes follow `MockVercelServer`. Every method is
 * one synchronous step, so that concurrent calls see each other's changes as requests at Vercel do.
 */
import { Schemas } from "@vercel-auth/core"
import * as Either from "effect/Either"
import * as ParseResult from "effect/ParseResult"
import * as Schema from "effect/Schema"
import { randomBytes } from "node:crypto"
import type { Instant, RevokedToken, ScopeSeed, TokenSeed } from "../TokenServiceTest.js"

/** A token as it would be in Vercel's JSON: no `undefined` anywhere, which the schema would refuse. */
type WireToken = { readonly id: string; readonly createdAt: number; readonly [field: string]: unknown }

interface Entry {
  wire: WireToken
  revokedAt: number | undefined
}

/** Where a page ended: the list resumes strictly after it. */
export interface Position {
  readonly createdAt: number
  readonly id: string
}

export interface Page {
  readonly tokens: ReadonlyArray<Schemas.AuthToken>
  /** `undefined` on the last page. */
  readonly next: Position | undefined
}

export interface CreateBody {
  readonly name: string
  readonly expiresAt?: number | undefined
}

export interface TestStore {
  readonly selfId: string
  readonly seed: (tokens: Iterable<string | TokenSeed>) => void
  /** Whether the caller's own token still works at `now` (live, not expired); if so it is marked as used. */
  readonly authenticate: (now: number) => boolean
  /** A live token; `current` is the caller's own. */
  readonly find: (tokenId: string) => Schemas.AuthToken | undefined
  /** Revokes a live token (`current`: the caller's own), returning its id. */
  readonly revoke: (tokenId: string, now: number) => string | undefined
  readonly page: (after: Position | undefined, limit: number) => Page
  /** A new token, and its secret. */
  readonly create: (body: CreateBody, teamId: string | undefined, now: number) => {
    readonly token: Schemas.AuthToken
    readonly secret: string
  }
  readonly live: () => ReadonlyArray<Schemas.AuthToken>
  readonly revoked: () => ReadonlyArray<RevokedToken>
  readonly deleted: () => ReadonlyArray<string>
}

const decodeEither = Schema.decodeUnknownEither(Schemas.AuthToken)
const decode = Schema.decodeUnknownSync(Schemas.AuthToken)

/** The list order: newest `createdAt` first, then by id, so that equal timestamps still have one order. */
const newestFirst = (a: Position, b: Position): number =>
  b.createdAt - a.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

const seedError = (id: unknown, problem: string) =>
  new TypeError(`TokenServiceTest: the seed ${JSON.stringify(id)} ${problem}`)

const epoch = (id: string, field: string, value: Instant | undefined): number | undefined => {
  if (value === undefined) return undefined
  const ms = value instanceof Date ? value.getTime() : value
  if (typeof ms !== "number" || !Number.isFinite(ms)) {
    throw seedError(id, `has a \`${field}\` that is neither a valid Date nor epoch milliseconds`)
  }
  return ms
}

const defined = (fields: Record<string, unknown>): Record<string, unknown> =>
  Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined))

const wireScope = (id: string, scope: ScopeSeed, createdAt: number): Record<string, unknown> =>
  defined({
    ...scope,
    createdAt: epoch(id, "scopes.createdAt", scope.createdAt) ?? createdAt,
    expiresAt: epoch(id, "scopes.expiresAt", scope.expiresAt)
  })

/** The fields a seed sets, on the wire; the dates it leaves out stay as they were (or default). */
const wireFields = (seed: TokenSeed): Record<string, unknown> =>
  defined({
    name: seed.name,
    type: seed.type,
    createdAt: epoch(seed.id, "createdAt", seed.createdAt),
    activeAt: epoch(seed.id, "activeAt", seed.activeAt),
    expiresAt: epoch(seed.id, "expiresAt", seed.expiresAt),
    leakedAt: epoch(seed.id, "leakedAt", seed.leakedAt),
    leakedUrl: seed.leakedUrl,
    origin: seed.origin,
    prefix: seed.prefix,
    suffix: seed.suffix
  })

/** Refuses a token the real service could not read: a seed mistake, reported where it was made. */
const checked = (wire: WireToken): WireToken => {
  const result = decodeEither(wire)
  if (Either.isLeft(result)) {
    throw seedError(
      wire.id,
      `is not a token Vercel could send:\n${ParseResult.TreeFormatter.formatErrorSync(result.left)}`
    )
  }
  return wire
}

const minute = 60_000

export const makeTestStore = (current: string | TokenSeed, origin: number): TestStore => {
  const entries = new Map<string, Entry>()
  const deleted: Array<string> = []
  let seeded = 0

  const seedOne = (input: string | TokenSeed, defaultName: string | undefined): string => {
    const seed: TokenSeed = typeof input === "string" ? { id: input } : input
    if (typeof seed?.id !== "string") throw seedError(seed?.id, "has no string `id`")
    const fields = wireFields(seed)
    const existing = entries.get(seed.id)
    if (existing !== undefined) {
      const createdAt = (fields.createdAt as number | undefined) ?? existing.wire.createdAt
      const scopes = seed.scopes?.map((scope) => wireScope(seed.id, scope, createdAt))
      existing.wire = checked({
        ...existing.wire,
        ...fields,
        ...(scopes === undefined ? {} : { scopes }),
        id: seed.id,
        createdAt
      })
      existing.revokedAt = undefined
      return seed.id
    }
    // Without a createdAt, each seed is a minute older than the one before: distinct, in seeding order.
    const createdAt = (fields.createdAt as number | undefined) ?? origin - ++seeded * minute
    const scopes = seed.scopes?.map((scope) => wireScope(seed.id, scope, createdAt)) ?? [{ type: "user", createdAt }]
    const wire = checked({
      name: defaultName ?? seed.id,
      type: "oauth2-token",
      activeAt: createdAt,
      ...fields,
      scopes,
      id: seed.id,
      createdAt
    })
    entries.set(seed.id, { wire, revokedAt: undefined })
    return seed.id
  }

  // The caller's own token first, as MockVercelServer seeds it.
  const selfId = seedOne(current, "self")

  const liveEntry = (tokenId: string): Entry | undefined => {
    const entry = entries.get(tokenId === "current" ? selfId : tokenId)
    return entry === undefined || entry.revokedAt !== undefined ? undefined : entry
  }

  const liveWires = (): ReadonlyArray<WireToken> =>
    [...entries.values()].filter((entry) => entry.revokedAt === undefined).map((entry) => entry.wire).sort(newestFirst)

  return {
    selfId,
    seed: (tokens) => {
      for (const token of tokens) seedOne(token, undefined)
    },
    authenticate: (now) => {
      const self = liveEntry(selfId)
      if (self === undefined) return false
      const expiresAt = self.wire.expiresAt
      if (typeof expiresAt === "number" && expiresAt <= now) return false
      self.wire = { ...self.wire, activeAt: Math.max(self.wire.activeAt as number, now) }
      return true
    },
    find: (tokenId) => {
      const entry = liveEntry(tokenId)
      return entry === undefined ? undefined : decode(entry.wire)
    },
    revoke: (tokenId, now) => {
      const entry = liveEntry(tokenId)
      if (entry === undefined) return undefined
      entry.revokedAt = now
      deleted.push(entry.wire.id)
      return entry.wire.id
    },
    page: (after, limit) => {
      const rest = liveWires().filter((wire) => after === undefined || newestFirst(wire, after) > 0)
      const items = rest.slice(0, limit)
      const last = items[items.length - 1]
      return {
        tokens: items.map((wire) => decode(wire)),
        next: items.length < rest.length && last !== undefined ? { createdAt: last.createdAt, id: last.id } : undefined
      }
    },
    create: (body, teamId, now) => {
      let id: string
      do id = `tok_${randomBytes(12).toString("hex")}`
      while (entries.has(id))
      const secret = `vcp_${randomBytes(24).toString("hex")}`
      const expiry = body.expiresAt === undefined ? {} : { expiresAt: body.expiresAt }
      const scopes: Array<Record<string, unknown>> = [{ type: "user", origin: "manual", createdAt: now, ...expiry }]
      if (teamId !== undefined) scopes.push({ type: "team", teamId, origin: "manual", createdAt: now, ...expiry })
      const wire: WireToken = {
        id,
        name: body.name,
        type: "oauth2-token",
        origin: "manual",
        createdAt: now,
        activeAt: now,
        ...expiry,
        // What Vercel shows of a secret, never enough to use it.
        prefix: secret.slice(0, 6),
        suffix: secret.slice(-4),
        scopes
      }
      entries.set(id, { wire, revokedAt: undefined })
      return { token: decode(wire), secret }
    },
    live: () => liveWires().map((wire) => decode(wire)),
    revoked: () => {
      const order: Array<string> = []
      for (let i = deleted.length - 1; i >= 0; i--) {
        const id = deleted[i]!
        if (!order.includes(id) && entries.get(id)?.revokedAt !== undefined) order.unshift(id)
      }
      return order.map((id) => {
        const entry = entries.get(id)!
        return { token: decode(entry.wire), revokedAt: new Date(entry.revokedAt!) }
      })
    },
    deleted: () => [...deleted]
  }
}
