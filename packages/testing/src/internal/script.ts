/**
 * The mock server's fault script: entries consumed in order by the requests they match.
 */
import type { Route, Script, ScriptEntry } from "../MockVercelServer.js"

const kinds = new Set(["status", "normal", "hang", "reset", "truncate", "malformed"])
const routes = new Set(["delete", "get", "list", "create", "sso"])
const resets = new Set(["before", "after-action", "after-delete"])

const check = (entry: ScriptEntry) => {
  // A typo here would otherwise silently turn a fault test into a happy-path test.
  if (!kinds.has(entry.kind)) throw new TypeError(`MockVercelServer script: unknown kind ${JSON.stringify(entry.kind)}`)
  const times = entry.times ?? 1
  if (!(times >= 1)) throw new TypeError(`MockVercelServer script: times must be at least 1, got ${entry.times}`)
  if (entry.kind === "reset" && !resets.has(entry.when)) {
    throw new TypeError(`MockVercelServer script: reset needs when: "before" or "after-action" (alias "after-delete")`)
  }
  if (entry.route !== undefined && !routes.has(entry.route)) {
    throw new TypeError(
      `MockVercelServer script: unknown route ${JSON.stringify(entry.route)}; use one of ${[...routes].join(", ")}`
    )
  }
}

export interface ScriptQueue extends Script {
  /** The entry for this request, counted as used. */
  readonly take: (request: {
    readonly method: string
    readonly route: Route | undefined
    readonly tokenId: string | undefined
  }) => ScriptEntry | undefined
}

export const makeScript = (): ScriptQueue => {
  let queue: Array<{ readonly entry: ScriptEntry; left: number }> = []
  return {
    push: (...entries) => {
      entries.forEach(check)
      for (const entry of entries) queue.push({ entry, left: entry.times ?? 1 })
    },
    clear: () => {
      queue = []
    },
    pending: () => queue.map(({ entry }) => entry),
    take: ({ method, route, tokenId }) => {
      const index = queue.findIndex(({ entry }) =>
        (entry.route === undefined || entry.route === route) &&
        (entry.tokenId === undefined || entry.tokenId === tokenId) &&
        (entry.method === undefined || entry.method.toUpperCase() === method.toUpperCase())
      )
      if (index === -1) return undefined
      const slot = queue[index]!
      if (--slot.left <= 0) queue.splice(index, 1)
      return slot.entry
    }
  }
}
