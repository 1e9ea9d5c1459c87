/**
 * First-use fixes: `ClientDisposed` is exported as an error class with its own name, the client is
 * `AsyncDisposable` (`await using`), and a whitespace-only token id is refused like an empty one.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Adapter from "@vercel-auth/adapter"
import { createVercelAuth, InvalidTokenId, type VercelAuthClient } from "@vercel-auth/adapter"
import { Cause, Effect, Exit, Option } from "effect"
import { pick, revoked, TOKEN, withRawServer } from "./hardening.support.js"
import { expectNoUnhandledRejections, rejection } from "./support.js"

expectNoUnhandledRejections()

// Looked up by name, so that this file type-checks before the export exists.
const exported = (name: string): unknown => (Adapter as Record<string, unknown>)[name]
type ErrorClass = new(...args: Array<never>) => Error

const defectOf = (exit: Exit.Exit<unknown, unknown>): unknown => {
  if (Exit.isSuccess(exit)) throw new Error("expected the Effect call to die")
  return Option.getOrThrow(Cause.dieOption(exit.cause))
}

describe("ClientDisposed", () => {
  it("is an error class exported from the package root, named ClientDisposed", () => {
    const ClientDisposed = exported("ClientDisposed")
    expect(typeof ClientDisposed, "the export ClientDisposed").toBe("function")
    expect((ClientDisposed as ErrorClass).prototype).toBeInstanceOf(Error)
    expect((ClientDisposed as ErrorClass).name).toBe("ClientDisposed")
  })

  it("a call after dispose() rejects with an instance of it, whose name is ClientDisposed; nothing is sent", () =>
    withRawServer(revoked, async (server) => {
      const vercel = createVercelAuth({ token: TOKEN, baseUrl: server.url })
      await vercel.dispose()
      const error = await rejection(vercel.tokens.delete("tok_1"))
      const ClientDisposed = exported("ClientDisposed")
      expect(typeof ClientDisposed, "the export ClientDisposed").toBe("function")
      expect(error).toBeInstanceOf(ClientDisposed as ErrorClass)
      expect(error).toBeInstanceOf(Error)
      expect((error as Error).name).toBe("ClientDisposed")
      expect((error as Error).message).toContain("dispose")
      // The Effect API dies with the same class.
      const defect = defectOf(await Effect.runPromiseExit(vercel.effect.tokens.delete("tok_1")))
      expect(defect).toBeInstanceOf(ClientDisposed as ErrorClass)
      expect(server.accepted()).toBe(0)
    }))
})

describe("the client is AsyncDisposable", () => {
  it("has Symbol.asyncDispose, which disposes it", () =>
    withRawServer(revoked, async (server) => {
      const vercel = createVercelAuth({ token: TOKEN, baseUrl: server.url })
      const dispose = (vercel as Partial<AsyncDisposable>)[Symbol.asyncDispose]
      try {
        expect(typeof dispose, "client[Symbol.asyncDispose]").toBe("function")
        await dispose!.call(vercel)
        const error = await rejection(vercel.tokens.delete("tok_1"))
        expect((error as Error).name).toBe("ClientDisposed")
        expect(server.accepted()).toBe(0)
      } finally {
        await vercel.dispose()
      }
    }))

  it("`await using` disposes the client at the end of the block", () =>
    withRawServer(revoked, async (server) => {
      let kept: VercelAuthClient.VercelAuthClient | undefined
      {
        // The cast only lets this compile before the type says AsyncDisposable; at run time `await
        // using` throws a TypeError for a value without Symbol.asyncDispose (a client whose runtime was
        // never used holds nothing, so that failure leaks nothing).
        await using vercel = createVercelAuth({ token: TOKEN, baseUrl: server.url }) as
          & VercelAuthClient.VercelAuthClient
          & AsyncDisposable
        kept = vercel
        expect(await vercel.tokens.delete("tok_1")).toEqual({ tokenId: "tok_1" })
      }
      const error = await rejection(kept!.tokens.delete("tok_2"))
      expect((error as Error).name).toBe("ClientDisposed")
      expect(server.seen).toHaveLength(1)
    }))
})

describe("a whitespace-only token id", () => {
  for (const tokenId of [" ", "   "]) {
    it(`${JSON.stringify(tokenId)} is refused like an empty one: InvalidTokenId, reason "empty", nothing sent`, () =>
      withRawServer(revoked, async (server) => {
        const vercel = createVercelAuth({ token: TOKEN, baseUrl: server.url })
        try {
          const error = await rejection(vercel.tokens.delete(tokenId, { missingOk: true }))
          expect(error).toBeInstanceOf(InvalidTokenId)
          expect(pick(error, "_tag", "reason", "attempts")).toEqual({
            _tag: "InvalidTokenId",
            reason: "empty",
            attempts: 0
          })
          const exit = await Effect.runPromiseExit(vercel.effect.tokens.delete(tokenId))
          expect(Exit.isFailure(exit) && pick(Cause.squash(exit.cause), "_tag", "reason")).toEqual({
            _tag: "InvalidTokenId",
            reason: "empty"
          })
        } finally {
          await vercel.dispose()
        }
        expect(server.accepted()).toBe(0)
      }))
  }
})
