/**
 * How a call's end becomes a Promise outcome, including the paths the real service never takes:
 * a defect is reported as our bug, with the token cut out of everything it carries.
 */
import { describe, expect, it } from "@effect/vitest"
import { Exit, FiberId } from "effect"
import { inspect } from "node:util"
import { ClientDisposed } from "../src/ClientDisposed.js"
import { abortError, settle } from "../src/internal/outcome.js"
import { TOKEN } from "./support.js"

/** What the client passes: the token cut out of a defect's description. */
const scrub = (text: string) => text.split(TOKEN).join("<redacted>")

const thrown = (run: () => unknown): Error => {
  try {
    run()
  } catch (error) {
    return error as Error
  }
  throw new Error("expected a throw")
}

describe("settle", () => {
  it("a defect becomes an Error that says it is a bug in @vercel-auth, without the token", () => {
    const defect = new Error(`request failed: Authorization: Bearer ${TOKEN}`, { cause: { token: TOKEN } })
    const error = thrown(() => settle(Exit.die(defect), undefined, false, scrub))
    expect(error.message).toContain("bug in @vercel-auth")
    expect(error.cause).toBeInstanceOf(Error)
    expect((error.cause as Error).message).toContain("request failed: Authorization: Bearer <redacted>")
    const everything = `${inspect(error, { depth: 20, showHidden: true })} ${JSON.stringify(error)} ${
      String(error.cause)
    } ${(error.cause as Error).stack}`
    expect(everything).not.toContain(TOKEN)
  })

  it("a defect that is not an Error is described too", () => {
    const error = thrown(() => settle(Exit.die({ weird: TOKEN }), undefined, false, scrub))
    expect(error.message).toContain("bug in @vercel-auth")
    expect(inspect(error, { depth: 20 })).not.toContain(TOKEN)
  })

  it("an interruption is an AbortError when the signal was aborted, else the disposal", () => {
    const interrupted = Exit.interrupt(FiberId.none)
    const aborted = AbortSignal.abort()
    expect(thrown(() => settle(interrupted, aborted, false, scrub))).toBe(aborted.reason)
    expect(thrown(() => settle(interrupted, undefined, true, scrub))).toBeInstanceOf(ClientDisposed)
    expect(thrown(() => settle(interrupted, undefined, false, scrub)).message).toContain("bug in @vercel-auth")
  })

  it("a typed failure is thrown as it is, and a success returned", () => {
    const failure = new Error("typed")
    expect(thrown(() => settle(Exit.fail(failure), undefined, false, scrub))).toBe(failure)
    expect(settle(Exit.succeed(1), undefined, false, scrub)).toBe(1)
  })
})

describe("abortError", () => {
  it("keeps an AbortError reason, and wraps any other in one", () => {
    const controller = new AbortController()
    controller.abort()
    expect(abortError(controller.signal)).toBe(controller.signal.reason)
    const timedOut = abortError(AbortSignal.abort(new DOMException("late", "TimeoutError")))
    expect(timedOut.name).toBe("AbortError")
    expect((timedOut.cause as Error).name).toBe("TimeoutError")
  })
})
