import { InvalidTokenId } from "../TokenError.js"

type Reason = InvalidTokenId["reason"]

const maxLength = 256
// C0, DEL and C1 controls: none can be part of a real id, and some would change how proxies read the path.
// eslint-disable-next-line no-control-regex
export const controlCharacter = /[\u0000-\u001f\u007f-\u009f]/
const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** Why `tokenId` cannot be sent, or `undefined` when it can. */
export const invalidReason = (tokenId: unknown): Reason | undefined => {
  if (typeof tokenId !== "string") return "not-a-string"
  if (tokenId === "") return "empty"
  // "." and ".." would be resolved by URL parsers into another resource.
  if (tokenId === "." || tokenId === "..") return "dot-segment"
  if (tokenId.length > maxLength) return "too-long"
  if (controlCharacter.test(tokenId)) return "control-character"
  // encodeURIComponent throws on these; no real id contains one.
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

const explain = (reason: Reason): string =>
  `Refusing to revoke the token: the token id is invalid because ${explanations[reason]}. Nothing was sent to Vercel.`

/** The request path for a valid id: the id is always exactly one percent-encoded segment. */
export const tokenPath = (tokenId: string): string => `/v3/user/tokens/${encodeURIComponent(tokenId)}`

/** The error `delete` fails with before sending, or `undefined` when the id can be sent. */
export const validate = (tokenId: unknown): InvalidTokenId | undefined => {
  const reason = invalidReason(tokenId)
  return reason === undefined ? undefined : new InvalidTokenId({ attempts: 0, reason, message: explain(reason) })
}
