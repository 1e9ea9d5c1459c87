/**
 * What undici needs from a platform request: the origin (which picks the pool), the path with its
 * query, and the body as bytes.
 *
 * @internal
 */
import type * as HttpBody from "@effect/platform/HttpBody"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as UrlParams from "@effect/platform/UrlParams"

export interface Target {
  readonly origin: string
  readonly path: string
}

const isEndOfAuthority = (code: number): boolean => code === 47 || code === 63 || code === 35 // "/", "?", "#"

/**
 * Splits an absolute `http:`/`https:` URL at the end of its authority, without building a `URL`.
 * Anything else (another scheme, upper case, a relative URL) goes through `URL`, which also rejects
 * what is not a URL at all; `undefined` then.
 */
const split = (url: string): Target | undefined => {
  const start = url.startsWith("https://") ? 8 : url.startsWith("http://") ? 7 : -1
  if (start === -1) return splitParsed(url)
  let end = start
  while (end < url.length && !isEndOfAuthority(url.charCodeAt(end))) end++
  if (end === start) return undefined
  const rest = url.slice(end)
  // The fragment is the client's own business: it is never sent.
  const hash = rest.indexOf("#")
  const path = hash === -1 ? rest : rest.slice(0, hash)
  return { origin: url.slice(0, end), path: path === "" ? "/" : path.charCodeAt(0) === 47 ? path : `/${path}` }
}

const splitParsed = (url: string): Target | undefined => {
  if (!URL.canParse(url)) return undefined
  const parsed = new URL(url)
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return undefined
  return { origin: parsed.origin, path: parsed.pathname + parsed.search }
}

/** The origin and path of `request`, its `urlParams` appended as the query; `undefined` for a bad URL. */
export const target = (request: HttpClientRequest.HttpClientRequest): Target | undefined => {
  const base = split(request.url)
  if (base === undefined || request.urlParams.length === 0) return base
  const query = UrlParams.toString(request.urlParams)
  if (query === "") return base
  return { origin: base.origin, path: `${base.path}${base.path.includes("?") ? "&" : "?"}${query}` }
}

/** The body undici sends, or the reason it cannot be sent. */
export type Payload = string | Uint8Array | null | { readonly unsupported: string }

export const payload = (body: HttpBody.HttpBody): Payload => {
  switch (body._tag) {
    case "Empty":
      return null
    case "Uint8Array":
      return body.body
    case "Raw":
      return typeof body.body === "string" || body.body instanceof Uint8Array ?
        body.body :
        { unsupported: "a Raw body that is neither a string nor a Uint8Array" }
    case "FormData":
      return { unsupported: "a FormData body (encode it as bytes with its content type)" }
    case "Stream":
      return { unsupported: "a Stream body (collect it into a Uint8Array first)" }
  }
}
