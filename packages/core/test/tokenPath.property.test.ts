import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import * as fc from "fast-check"
import { BASE_URL, harness, json } from "./support.js"

const pieces = fc.constantFrom(
  "/",
  ".",
  "..",
  "%2e",
  "%2E",
  "%2F",
  "%2f",
  "%",
  "?",
  "#",
  "\\",
  ";",
  "@",
  ":",
  "&",
  "=",
  "+",
  " ",
  "a",
  "tok_1",
  "é",
  "😀",
  "\u0000",
  "\n",
  "\ud800",
  "current"
)
const tokenIds = fc.oneof(
  fc.string({ unit: "binary", maxLength: 300 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.array(pieces, { maxLength: 12 }).map((parts) => parts.join(""))
)

describe("token id → request path", () => {
  it("no token id ever produces a request outside /v3/user/tokens/<one segment>", async () => {
    await fc.assert(
      fc.asyncProperty(tokenIds, async (tokenId) => {
        const h = harness([json(200, { tokenId: "tok_ok" })])
        const exit = await Effect.runPromiseExit(h.revoke(tokenId).pipe(Effect.provide(h.layer)))
        if (Exit.isFailure(exit)) {
          // Only validation may fail here, and then nothing is sent.
          expect(exit.cause).toMatchObject({ _tag: "Fail", error: { _tag: "InvalidTokenId" } })
          expect(h.requests).toHaveLength(0)
          return
        }
        expect(h.requests).toHaveLength(1)
        const url = h.requests[0]!.url
        expect(url.origin).toBe(BASE_URL)
        expect(url.search).toBe("")
        expect(url.hash).toBe("")
        const segments = url.pathname.split("/")
        expect(segments.slice(0, 4)).toEqual(["", "v3", "user", "tokens"])
        expect(segments).toHaveLength(5)
        expect(segments[4]).not.toBe("")
        expect(decodeURIComponent(segments[4]!)).toBe(tokenId)
      }),
      { numRuns: 1000 }
    )
  })
})
