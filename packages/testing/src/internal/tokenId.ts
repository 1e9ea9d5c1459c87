/**
 * The token id rules of `TokenService.delete`, so that the in-memory service rejects exactly what the
 * real one rejects. Core keeps its validator internal; this mirrors it and its messages.
 */
import type { TokenError } from "@vercel-auth/core"

type Reason = TokenError.InvalidTokenId["reason"]

const maxLength = 256
// C0, DEL and C1 controls, as in core.
// eslint-disable-next-line no-control-regex
const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

export const invalidReason = (tokenId: unknown): Reason | undefined => {
  if (typeof tokenId !== "string") return "not-a-string"
  if (tokenId === "") return "empty"
  if (tokenId === "." || tokenId === "..") return "dot-segment"
  if (tokenId.length > maxLength) return "too-long"
  if (controlCharacter.test(tokenId)) return "control-character"
  if (loneSurrogate.test(tokenId)) return "malformed-unicode"
  return undefined
}

const explanations: Record<Reason, string> = {
  "not-a-string": "it is not a string",
  "empty": "it is empty (an empty id would address the token collection, not a token)",
  "dot-segment": "\".\" and \"..\" are path segments that would address another resource",
  "too-long": `it is longer than ${maxLength} characters`,
  "control-character": "it contains control characters",
  "malformed-unicode": "it contains an unpaired UTF-16 surrogate"
}

export const explain = (reason: Reason): string =>
  `Refusing to revoke the token: the token id is invalid because ${explanations[reason]}. Nothing was sent to Vercel.`
