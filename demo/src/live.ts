/**
 * `--live <tokenId>`: the same revocation against the real API, with the default policy. Only ever
 * run when asked for on the command line and given a token in `VERCEL_TOKEN`.
 */
import { createVercelAuth } from "@vercel-auth/adapter"
import { formatDeleted, wrap } from "./format.js"
import { formatMs, type Row } from "./table.js"

export interface LiveOptions {
  readonly tokenId: string
  /** The bearer token; never printed. */
  readonly token: string
  /** Defaults to the client's own (`https://api.vercel.com`). */
  readonly baseUrl?: string | undefined
  readonly signal?: AbortSignal | undefined
  readonly log?: ((line: string) => void) | undefined
}

/** The error's tag and the facts worth quoting to Vercel support, then its message. */
const explainFailure = (error: unknown): { readonly tag: string; readonly facts: string; readonly message: string } => {
  if (!(error instanceof Error)) return { tag: "failure", facts: "", message: String(error) }
  const fields = error as Error & { _tag?: string; status?: number; requestId?: string; attempts?: number }
  const facts = [
    fields.status === undefined ? undefined : `status ${fields.status}`,
    fields.requestId === undefined ? undefined : `requestId ${fields.requestId}`,
    fields.attempts === undefined ? undefined : `attempts ${fields.attempts}`
  ].filter((fact) => fact !== undefined)
  return { tag: fields._tag ?? error.name, facts: facts.join(", "), message: error.message }
}

export const runLive = async (options: LiveOptions): Promise<Row> => {
  const log = options.log ?? console.log
  const vercel = createVercelAuth({ token: options.token, baseUrl: options.baseUrl, userAgent: "vercel-auth-demo" })
  log(`vercel-auth demo, live: revoking ${options.tokenId} at ${options.baseUrl ?? "https://api.vercel.com"}`)
  log("(authenticated by the token in VERCEL_TOKEN, which is not shown)")
  const started = performance.now()
  const row = { scenario: "live revoke", api: "Promise", requests: undefined } as const
  try {
    const deleted = await vercel.tokens.delete(options.tokenId, { signal: options.signal })
    const ms = performance.now() - started
    log(`   revoked → ${formatDeleted(deleted)} in ${formatMs(ms)}`)
    const outcome = deleted.alreadyDeleted === true ? "alreadyDeleted: true" : `revoked ${deleted.tokenId}`
    return { ...row, outcome, ok: true, ms }
  } catch (error) {
    const ms = performance.now() - started
    const { facts, message, tag } = explainFailure(error)
    log(`   failed after ${formatMs(ms)}: ${tag}${facts === "" ? "" : `, ${facts}`}`)
    for (const [i, line] of wrap(`message: ${message}`, 110).entries()) log(`   ${i === 0 ? "" : "  "}${line}`)
    return { ...row, outcome: `failed: ${tag}`, ok: false, ms }
  } finally {
    await vercel.dispose()
  }
}
