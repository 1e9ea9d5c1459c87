/**
 * Reading a request to the mock server: which token it addresses, and with which bearer.
 */
const tokenPath = /^\/v3\/user\/tokens\/([^/]+)$/

export type Route =
  | { readonly _tag: "DeleteToken"; readonly tokenId: string }
  | { readonly _tag: "BadTokenId" }
  | { readonly _tag: "Unknown" }

/** The token id of the path, if it names one; the raw `..` is left to the router, as a server would. */
export const tokenIdOf = (target: string): string | undefined => {
  const path = target.split("?", 1)[0]!
  const match = tokenPath.exec(path)
  if (match === null || match[1] === "." || match[1] === "..") return undefined
  try {
    return decodeURIComponent(match[1]!)
  } catch {
    return undefined
  }
}

export const route = (method: string, target: string): Route => {
  const segment = tokenPath.exec(target.split("?", 1)[0]!)?.[1]
  // A raw dot segment is resolved by real servers to another resource, which has no DELETE.
  if (method !== "DELETE" || segment === undefined || segment === "." || segment === "..") return { _tag: "Unknown" }
  const tokenId = tokenIdOf(target)
  return tokenId === undefined ? { _tag: "BadTokenId" } : { _tag: "DeleteToken", tokenId }
}

const bearerScheme = /^Bearer +(\S+) *$/i

/** The bearer secret, or `undefined` when the header is missing or not `Bearer <token>`. */
export const bearerOf = (authorization: string | undefined): string | undefined =>
  authorization === undefined ? undefined : bearerScheme.exec(authorization)?.[1]
