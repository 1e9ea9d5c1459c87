/**
 * `--live <tokenId>`: the same revocation against the real API, with the default policy. Only ever
 * run when asked for on the command line and given a token in `VERCEL_TOKEN`.
 */
import { createVercelAuth } from "@vercel-auth/adapter"
import { formatDeleted } from "./format.js"
import { formatMs, renderTable, type Row } from "./table.js"

export interface LiveOptions {
  readonly tokenId: string
  /** The bearer token; never printed. */
  readonly token: string
  /** Defaults to the client's own (`https://api.vercel.com`). */
  readonly baseUrl?: string | undefined
  readonly signal?: AbortSignal | undefined
  readonly log?: ((line: string) => void) | undefined
}

const explainFailure = (error: unknown): ReadonlyArray<string> => {
  if (!(error instanceof Error)) return [String(error)]
  const fields = error as Error & { _tag?: string; status?: number; requestId?: string; attempts?: number }
  const facts = [
    fields.status === undefined ? undefined : `status ${fields.status}`,
    fields.requestId === undefined ? undefined : `requestId ${fields.requestId}`,
    fields.attempts === undefined ? undefined : `attempts ${fields.attempts}`
  ].filter((fact) => fact !== undefined)
  return [
    `${fields._tag ?? error.name}${facts.length === 0 ? "" : `: ${facts.join(", ")}`}`,
    `message: ${error.message}`
  ]
}

export const runLive = async (options: LiveOptions): Promise<Row> => {
  const log = options.log ?? console.log
  const vercel = createVercelAuth({ token: options.token, baseUrl: options.baseUrl, userAgent: "vercel-auth-demo" })
  log(`vercel-auth demo, live: revoking ${options.tokenId} at ${options.baseUrl ?? "https://api.vercel.com"}`)
  log("(authenticated by the token in VERCEL_TOKEN, which is not shown)")
  const started = performance.now()
  let row: Omit<Row, "ms">
  try {
    const deleted = await vercel.tokens.delete(options.tokenId, { signal: options.signal })
    log(`   revoked: ${formatDeleted(deleted)}`)
    const outcome = deleted.alreadyDeleted === true ? "alreadyDeleted: true" : `revoked ${deleted.tokenId}`
    row = { scenario: "live revoke", api: "Promise", outcome, ok: true, requests: undefined }
  } catch (error) {
    const [headline = "", ...rest] = explainFailure(error)
    log(`   failed: ${headline}`)
    for (const line of rest) log(`   ${line}`)
    row = { scenario: "live revoke", api: "Promise", outcome: `failed: ${headline}`, ok: false, requests: undefined }
  } finally {
    await vercel.dispose()
  }
  const ms = performance.now() - started
  log(`   ${formatMs(ms)}`)
  log("")
  const result = { ...row, ms }
  for (const line of renderTable([result])) log(line)
  return result
}
