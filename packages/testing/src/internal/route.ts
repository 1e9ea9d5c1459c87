/**
 * Reading a request to the mock server: which route it asks for, which token it addresses, and with
 * which bearer.
 */
import type { Route } from "../MockVercelServer.js"

const tokenPath = /^\/v([35])\/user\/tokens\/([^/]+)$/

export type Match =
  /** `tokenId` is `undefined` when the path segment does not decode. */
  | { readonly route: "delete" | "get"; readonly tokenId: string | undefined }
  | { readonly route: Exclude<Route, "delete" | "get"> }

const pathOf = (target: string) => target.split("?", 1)[0]!

const decode = (segment: string) => {
  try {
    return decodeURIComponent(segment)
  } catch {
    return undefined
  }
}

/** A raw dot segment is resolved by real servers to another resource, so it never names a token. */
const segmentOf = (target: string) => {
  const match = tokenPath.exec(pathOf(target))
  return match === null || match[2] === "." || match[2] === ".." ? undefined : { version: match[1]!, raw: match[2]! }
}

/** The token id of a token path (any method), for the record and the script's `tokenId` filter. */
export const tokenIdOf = (target: string): string | undefined => {
  const segment = segmentOf(target)
  return segment === undefined ? undefined : decode(segment.raw)
}

/** The route of the request, or `undefined` for what the router answers with its own 404. */
export const route = (method: string, target: string): Match | undefined => {
  const segment = segmentOf(target)
  if (segment !== undefined) {
    if (method === "DELETE" && segment.version === "3") return { route: "delete", tokenId: decode(segment.raw) }
    if (method === "GET" && segment.version === "5") return { route: "get", tokenId: decode(segment.raw) }
    return undefined
  }
  const path = pathOf(target)
  if (method === "GET" && path === "/v6/user/tokens") return { route: "list" }
  if (method === "POST" && path === "/v3/user/tokens") return { route: "create" }
  if (method === "POST" && path === "/v1/integrations/sso/token") return { route: "sso" }
  return undefined
}

export const queryOf = (target: string): URLSearchParams => {
  const at = target.indexOf("?")
  return new URLSearchParams(at === -1 ? "" : target.slice(at + 1))
}

const bearerScheme = /^Bearer +(\S+) *$/i

/** The bearer secret, or `undefined` when the header is missing or not `Bearer <token>`. */
export const bearerOf = (authorization: string | undefined): string | undefined =>
  authorization === undefined ? undefined : bearerScheme.exec(authorization)?.[1]
