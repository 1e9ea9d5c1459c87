/**
 * A name for a credential that reveals nothing about it: shared stores key their state by it.
 */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"

// A domain prefix so that this hash of a token cannot be matched against hashes made for other uses.
const domain = "vercel-auth/gate/v1:"

export const fingerprint = (token: Redacted.Redacted<string>): Effect.Effect<string> =>
  Effect.promise(async () => {
    // eslint-disable-next-line no-restricted-syntax -- hashed at once, one way; the value goes nowhere else
    const bytes = new TextEncoder().encode(domain + Redacted.value(token))
    const digest = new Uint8Array(await globalThis.crypto.subtle.digest("SHA-256", bytes))
    return Array.from(digest.subarray(0, 16), (byte) => byte.toString(16).padStart(2, "0")).join("")
  })
