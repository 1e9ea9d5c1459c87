/**
 * Who owns which token on the mock server. A token is live or revoked for everyone; each bearer is
 * itself a token, so revoking a bearer's own id (by `current` or by id) locks that bearer out.
 */
export type Revocation =
  | { readonly _tag: "Revoked"; readonly tokenId: string }
  | { readonly _tag: "NotFound" }

export interface Accounts {
  readonly add: (
    tokens: Readonly<Record<string, ReadonlyArray<string>>>,
    selfIds?: Readonly<Record<string, string>>
  ) => void
  readonly selfId: (bearer: string) => string | undefined
  /** Known, and its own token not revoked. */
  readonly isValid: (bearer: string) => boolean
  readonly revoke: (bearer: string, tokenId: string) => Revocation
  readonly isLive: (tokenId: string) => boolean
  readonly deleted: () => ReadonlyArray<string>
}

export const makeAccounts = (): Accounts => {
  const selfIds = new Map<string, string>()
  const owners = new Map<string, Set<string>>()
  const live = new Set<string>()
  const deleted: Array<string> = []
  let generated = 0

  const own = (bearer: string, tokenId: string) => {
    const set = owners.get(tokenId) ?? new Set<string>()
    set.add(bearer)
    owners.set(tokenId, set)
    live.add(tokenId)
  }

  const add: Accounts["add"] = (tokens, ids = {}) => {
    for (const [bearer, tokenIds] of Object.entries(tokens)) {
      if (!selfIds.has(bearer)) {
        const selfId = ids[bearer] ?? `tok_self_${++generated}`
        selfIds.set(bearer, selfId)
        own(bearer, selfId)
      }
      for (const tokenId of tokenIds) own(bearer, tokenId)
    }
  }

  const revoke: Accounts["revoke"] = (bearer, tokenId) => {
    const target = tokenId === "current" ? selfIds.get(bearer) : tokenId
    if (target === undefined || !live.has(target) || owners.get(target)?.has(bearer) !== true) {
      return { _tag: "NotFound" }
    }
    live.delete(target)
    deleted.push(target)
    return { _tag: "Revoked", tokenId: target }
  }

  return {
    add,
    selfId: (bearer) => selfIds.get(bearer),
    isValid: (bearer) => {
      const selfId = selfIds.get(bearer)
      return selfId !== undefined && live.has(selfId)
    },
    revoke,
    isLive: (tokenId) => live.has(tokenId),
    deleted: () => [...deleted]
  }
}
