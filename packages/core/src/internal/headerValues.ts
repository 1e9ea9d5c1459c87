/**
 * The token and User-Agent go into HTTP headers, which carry Latin-1 text without control
 * characters. A value that breaks that rule makes the transport throw before anything is sent, which
 * used to surface as a misleading "network error" on every call; it is refused where it is configured.
 */
import * as Either from "effect/Either"
import { controlCharacter } from "./tokenId.js"

// Any UTF-16 unit above U+00FF, surrogates included.
const nonLatin1 = /[\u0100-\uffff]/

export const checkToken = (value: string): Either.Either<string, string> => {
  const token = value.trim()
  if (controlCharacter.test(token)) return Either.left("the Vercel token contains a control character")
  if (/\s/.test(token)) return Either.left("the Vercel token contains whitespace")
  if (nonLatin1.test(token)) return Either.left("the Vercel token contains a character outside Latin-1")
  return Either.right(token)
}

export const checkUserAgent = (value: string): Either.Either<string, string> => {
  const product = value.trim()
  if (controlCharacter.test(product)) return Either.left("the User-Agent contains a control character")
  if (nonLatin1.test(product)) return Either.left("the User-Agent contains a character outside Latin-1")
  return Either.right(product)
}
