/**
 * The tokens of the mock server. An account owns token records; each bearer secret is one token of
 * one account, so revoking it (by `current`, by id, or from another bearer of the account) locks that
 * bearer out. Revoked records are kept, for tests to read, but the API never shows them again.
 */
import { randomBytes } from "node:crypto"
import type { TokenRecord, TokenScope, TokenSeed } from "../MockVercelServer.js"
import { newestFirst } from "./pagination.js"

type Mutable<A> = { -readonly [K in keyof A]: A[K] }

/** An identity: two bearers of one account see and may revoke the same tokens. */
interface Account {
  readonly id: number
}

interface Bearer {
  readonly account: Account
  readonly selfId: string
}

export type Revocation =
  | { readonly _tag: "Revoked"; readonly tokenId: string }
  | { readonly _tag: "NotFound" }

export interface CreateInput {
  readonly name: string
  readonly expiresAt: number | undefined
  readonly teamId: string | undefined
}

export interface TokenStore {
  readonly add: (
    tokens: Readonly<Record<string, ReadonlyArray<string | TokenSeed>>>,
    selfIds?: Readonly<Record<string, string | TokenSeed>>
  ) => void
  readonly selfId: (bearer: string) => string | undefined
  /** The bearer's own token if it still authenticates (known, live, not expired), marked as used at `now`. */
  readonly authenticate: (bearer: string, now: number) => TokenRecord | undefined
  /** A live token of the bearer's account; `current` is the bearer's own. */
  readonly find: (bearer: string, tokenId: string) => TokenRecord | undefined
  readonly revoke: (bearer: string, tokenId: string, now: number) => Revocation
  /** A new token of the bearer's account, and the secret that is both its bearer and itself. */
  readonly create: (bearer: string, input: CreateInput, now: number) => {
    readonly token: TokenRecord
    readonly secret: string
  }
  /** The live tokens of the bearer's account, newest first. */
  readonly liveOf: (bearer: string) => ReadonlyArray<TokenRecord>
  readonly token: (tokenId: string) => TokenRecord | undefined
  readonly isLive: (tokenId: string) => boolean
  readonly deleted: () => ReadonlyArray<string>
}

const seedFields = (seed: TokenSeed): Partial<Mutable<TokenRecord>> =>
  Object.fromEntries(Object.entries(seed).filter(([, value]) => value !== undefined))

export const makeTokenStore = (now: () => number): TokenStore => {
  const bearers = new Map<string, Bearer>()
  const records = new Map<string, Mutable<TokenRecord>>()
  const owners = new Map<string, Set<Account>>()
  const deleted: Array<string> = []
  // Seeds without dates count back from the start, a minute apart: distinct createdAt values keep
  // number cursors exact and make the list order the seeding order.
  const origin = now()
  let seeded = 0
  let generatedSelf = 0
  let accounts = 0

  const seed = (account: Account, input: string | TokenSeed, defaultName: string | undefined) => {
    const given = typeof input === "string" ? { id: input } : input
    const existing = records.get(given.id)
    if (existing !== undefined) {
      Object.assign(existing, seedFields(given))
      delete existing.revokedAt
    } else {
      const createdAt = given.createdAt ?? origin - ++seeded * 60_000
      const scopes: ReadonlyArray<TokenScope> = [{ type: "user", createdAt }]
      records.set(given.id, {
        name: defaultName ?? given.id,
        type: "oauth2-token",
        activeAt: createdAt,
        scopes,
        ...seedFields(given),
        id: given.id,
        createdAt
      })
    }
    const set = owners.get(given.id) ?? new Set<Account>()
    set.add(account)
    owners.set(given.id, set)
  }

  const add: TokenStore["add"] = (tokens, selfIds = {}) => {
    for (const [secret, seeds] of Object.entries(tokens)) {
      let bearer = bearers.get(secret)
      if (bearer === undefined) {
        const self = selfIds[secret] ?? `tok_self_${++generatedSelf}`
        const account = { id: ++accounts }
        bearer = { account, selfId: typeof self === "string" ? self : self.id }
        bearers.set(secret, bearer)
        seed(account, self, "self")
      }
      for (const input of seeds) seed(bearer.account, input, undefined)
    }
  }

  const live = (tokenId: string) => {
    const record = records.get(tokenId)
    return record === undefined || record.revokedAt !== undefined ? undefined : record
  }

  const find = (secret: string, tokenId: string) => {
    const bearer = bearers.get(secret)
    if (bearer === undefined) return undefined
    const record = live(tokenId === "current" ? bearer.selfId : tokenId)
    return record !== undefined && owners.get(record.id)?.has(bearer.account) === true ? record : undefined
  }

  const copy = (record: TokenRecord): TokenRecord => ({ ...record, scopes: [...record.scopes] })

  return {
    add,
    selfId: (secret) => bearers.get(secret)?.selfId,
    authenticate: (secret, at) => {
      const selfId = bearers.get(secret)?.selfId
      const record = selfId === undefined ? undefined : live(selfId)
      if (record === undefined || (record.expiresAt !== undefined && record.expiresAt <= at)) return undefined
      record.activeAt = Math.max(record.activeAt, at)
      return copy(record)
    },
    find: (secret, tokenId) => {
      const record = find(secret, tokenId)
      return record === undefined ? undefined : copy(record)
    },
    revoke: (secret, tokenId, at) => {
      const record = find(secret, tokenId)
      if (record === undefined) return { _tag: "NotFound" }
      record.revokedAt = at
      deleted.push(record.id)
      return { _tag: "Revoked", tokenId: record.id }
    },
    create: (secret, input, at) => {
      const bearer = bearers.get(secret)!
      const id = `tok_${randomBytes(12).toString("hex")}`
      const token = `vcp_${randomBytes(24).toString("hex")}`
      const expiry = input.expiresAt === undefined ? {} : { expiresAt: input.expiresAt }
      const scopes: Array<TokenScope> = [{ type: "user", origin: "manual", createdAt: at, ...expiry }]
      if (input.teamId !== undefined) {
        scopes.push({ type: "team", teamId: input.teamId, origin: "manual", createdAt: at, ...expiry })
      }
      const record: Mutable<TokenRecord> = {
        id,
        name: input.name,
        type: "oauth2-token",
        origin: "manual",
        createdAt: at,
        activeAt: at,
        ...expiry,
        // What Vercel shows of a secret, never enough to use it.
        prefix: token.slice(0, 6),
        suffix: token.slice(-4),
        scopes
      }
      records.set(id, record)
      owners.set(id, new Set([bearer.account]))
      bearers.set(token, { account: bearer.account, selfId: id })
      return { token: copy(record), secret: token }
    },
    liveOf: (secret) => {
      const bearer = bearers.get(secret)
      if (bearer === undefined) return []
      return [...records.values()]
        .filter((record) => record.revokedAt === undefined && owners.get(record.id)?.has(bearer.account) === true)
        .sort(newestFirst)
        .map(copy)
    },
    token: (tokenId) => {
      const record = records.get(tokenId)
      return record === undefined ? undefined : copy(record)
    },
    isLive: (tokenId) => live(tokenId) !== undefined,
    deleted: () => [...deleted]
  }
}
