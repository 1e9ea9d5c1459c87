/**
 * Request bodies of the mock server's POST routes: read whole, bounded, and parsed as the route
 * expects (JSON; the SSO route also takes a form, as OAuth token endpoints do).
 */
import type * as Http from "node:http"

/** Far above any real request of this API; a larger body is refused rather than buffered. */
const maxBytes = 1 << 20

export type Body =
  | { readonly _tag: "Object"; readonly value: Readonly<Record<string, unknown>> }
  | { readonly _tag: "Invalid"; readonly reason: string }

export interface RawBody {
  readonly bytes: Buffer
  readonly tooLarge: boolean
  readonly contentType: string | undefined
}

/** Calls `onBody` once the whole body arrived; never when the client leaves first. */
export const readBody = (req: Http.IncomingMessage, onBody: (body: RawBody) => void): void => {
  const chunks: Array<Buffer> = []
  let size = 0
  req.on("data", (chunk: Buffer) => {
    size += chunk.length
    if (size <= maxBytes) chunks.push(chunk)
  })
  // A client leaving mid-body is recorded as aborted by the response; nothing to do here.
  req.on("error", () => {})
  req.on(
    "end",
    () => onBody({ bytes: Buffer.concat(chunks), tooLarge: size > maxBytes, contentType: req.headers["content-type"] })
  )
}

const isObject = (value: unknown): value is Readonly<Record<string, unknown>> =>
  typeof value === "object" && value !== null && !Array.isArray(value)

export const parseBody = (raw: RawBody, options: { readonly form: boolean }): Body => {
  if (raw.tooLarge) return { _tag: "Invalid", reason: "the body is too large" }
  const text = raw.bytes.toString("utf8")
  if (options.form && raw.contentType?.toLowerCase().includes("application/x-www-form-urlencoded") === true) {
    return { _tag: "Object", value: Object.fromEntries(new URLSearchParams(text)) }
  }
  try {
    const value: unknown = JSON.parse(text)
    return isObject(value) ? { _tag: "Object", value } : { _tag: "Invalid", reason: "the body is not a JSON object" }
  } catch {
    return { _tag: "Invalid", reason: "the body is not valid JSON" }
  }
}
