/**
 * The examples of docs/promise-api.md, run against MockVercelServer by
 * packages/adapter/test/docs.test.ts, which also checks that every code block of the page is here.
 */
// --- promise-api: imports
import { createVercelAuth, NetworkError, RateLimited, TokenNotFound, type VercelAuthClient } from "@vercel-auth/adapter"
// --- end

// --- promise-api: revoke
/** `baseUrl` is for tests; left out, the client talks to https://api.vercel.com. */
export const revokeLeaked = async (tokenIds: ReadonlyArray<string>, baseUrl?: string) => {
  // No `token` option: the client reads VERCEL_TOKEN (without one, token operations reject, sending nothing).
  const vercel = createVercelAuth({ baseUrl, userAgent: "incident-bot/1.0" })
  try {
    const revoked: Array<string> = []
    for (const tokenId of tokenIds) {
      const result = await vercel.tokens.delete(tokenId, { missingOk: true })
      if (!result.alreadyDeleted) revoked.push(result.tokenId)
    }
    return revoked
  } finally {
    await vercel.dispose() // closes this client's connections and timers
  }
}
// --- end

// --- promise-api: await-using
/** `await using` disposes the client when the block is left, however it is left. */
export const whoAmI = async (baseUrl?: string) => {
  await using vercel = createVercelAuth({ baseUrl })
  const token = await vercel.tokens.get("current")
  return `${token.name} (${token.id})`
}
// --- end

// --- promise-api: group
/** The rest of the group takes the same options and rejects with the same classes: tokens unused for 90 days. */
export const staleTokens = async (vercel: VercelAuthClient.VercelAuthClient, signal?: AbortSignal) => {
  const cutoff = Date.now() - 90 * 24 * 60 * 60 * 1000
  const stale: Array<string> = []
  for await (const token of vercel.tokens.list({ signal })) {
    if (token.activeAt.getTime() < cutoff) stale.push(token.id)
  }
  return stale
}
// --- end

// --- promise-api: errors
export const revokeOrExplain = async (vercel: VercelAuthClient.VercelAuthClient, tokenId: string) => {
  try {
    const deleted = await vercel.tokens.delete(tokenId)
    return `revoked ${deleted.tokenId}`
  } catch (error) {
    if (error instanceof TokenNotFound) return `no token ${error.tokenId} (status ${error.status})`
    if (error instanceof RateLimited) return `rate limited; try again at ${error.retryAt?.toISOString()}`
    if (error instanceof NetworkError && error.ambiguous) return "connection lost: the token may be revoked"
    throw error // Unauthorized, Forbidden, ServerError, Timeout…: a person has to look
  }
}
// --- end

// --- promise-api: abort
export const revokeUnlessCancelled = async (
  vercel: VercelAuthClient.VercelAuthClient,
  tokenId: string,
  signal: AbortSignal
) => {
  try {
    return await vercel.tokens.delete(tokenId, { signal })
  } catch (error) {
    // Aborted: the request in flight was closed, and nothing more was sent.
    if (error instanceof Error && error.name === "AbortError") return undefined
    throw error
  }
}

// For example, give up when the operator presses Ctrl-C:
export const cancelOnInterrupt = () => {
  const controller = new AbortController()
  const abort = () => controller.abort()
  process.once("SIGINT", abort)
  return { signal: controller.signal, done: () => process.off("SIGINT", abort) }
}
// --- end

// --- promise-api: policy
/** A batch job that may take its time, on a client of its own (its own gate and retry budget). */
export const patientClient = (baseUrl?: string) =>
  createVercelAuth({
    baseUrl,
    resilience: { maxAttempts: 5, deadline: "2 minutes", maxServerWait: "90 seconds", maxConcurrent: 2 }
  })
// --- end
