import type { InvalidTokenId } from "../TokenError.js"

type Reason = InvalidTokenId["reason"]

const maxLength = 256
// C0, DEL and C1 controls: none can be part of a real id, and some would change how proxies read the path.
// eslint-disable-next-line no-control-regex
export const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** Why `tokenId` cannot be sent, or `undefined` when it can. */
export const invalidReason = (tokenId: unknown): Reason | undefined => {
  if (typeof tokenId !== "string") return "not-a-string"
  // A blank id is a typo or an unset variable, never a token: sent, it would address the collection.
  if (tokenId.trim() === "") return "empty"
  // "." and ".." would be resolved by URL parsers into another resource.
  if (tokenId === "." || tokenId === "..") return "dot-segment"
  if (tokenId.length > maxLength) return "too-long"
  if (controlCharacter.test(tokenId)) return "control-character"
  // encodeURIComponent throws on these; no real id contains one.
  if (loneSurrogate.test(tokenId)) return "malformed-unicode"
  return undefined
}

/** The request path segment for a valid id: the id is always exactly one percent-encoded segment. */
export const tokenSegment = (tokenId: string): string => encodeURIComponent(tokenId)
