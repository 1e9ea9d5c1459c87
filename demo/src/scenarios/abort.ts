/**
 * 6. Giving up on a call that hangs: aborting the signal (Promise API) or interrupting the fiber
 * (Effect API) closes the connection at once, and nothing is sent afterwards.
 */
import { TokenService } from "@vercel-auth/adapter"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import type { Result, Scenario } from "../scenario.js"
import type { Account } from "../server.js"
import { awaitCondition, sleep, waitFor } from "../wait.js"

/** Longer than the demo policy's largest backoff: a retry after the abort would show up in it. */
const quietMs = 300

const hang = ({ server, tokenIds: [id] }: Account) => server.script.push({ kind: "hang", tokenId: id })

const arrived = (account: Account) => () => account.requests().length >= 1
const closed = (account: Account) => () => account.requests()[0]?.aborted === true

interface Ending {
  /** How the caller gave up. */
  readonly stop: string
  /** What the call ended with, in words. */
  readonly ended: string
  readonly outcome: string
  /** Whether the call ended the way this API promises. */
  readonly expected: boolean
}

const judge = ({ ended, expected, outcome, stop }: Ending, account: Account): Result => {
  const requests = account.requests()
  const id = account.tokenIds[0]!
  const further = requests.length - 1
  return {
    outcome,
    // The connection closed, nothing was sent again, and the token was left alone.
    ok: expected && requests[0]?.aborted === true && further === 0 && account.server.isLive(id),
    lines: [
      `the server hung the request for ${id}; ${stop} once it arrived`,
      `${ended}; ${further === 0 ? "no further request" : `${further} more request(s)`} in the next ${quietMs} ms`
    ]
  }
}

export const abort: Scenario = {
  name: "abort",
  title: "An abort while the request hangs",
  tokenIds: (api) => [`tok_hung_${api}`],
  promise: async (vercel, account) => {
    hang(account)
    const controller = new AbortController()
    const pending = vercel.tokens.delete(account.tokenIds[0]!, { signal: controller.signal })
    // Attach the handler now: the rejection must not count as unhandled while we wait for the server.
    const settled = pending.then(() => undefined, (error: unknown) => error)
    await waitFor(arrived(account))
    controller.abort()
    const error = await settled
    await waitFor(closed(account))
    await sleep(quietMs)
    const name = error instanceof Error ? error.name : String(error)
    return judge({
      stop: "controller.abort()",
      ended: `the promise rejected with err.name === "${name}"`,
      outcome: `rejected: ${name}`,
      expected: name === "AbortError"
    }, account)
  },
  effect: (account) =>
    Effect.gen(function*() {
      hang(account)
      const tokens = yield* TokenService.TokenService
      const fiber = yield* Effect.fork(tokens.delete(account.tokenIds[0]!))
      yield* awaitCondition(arrived(account))
      const exit = yield* Fiber.interrupt(fiber)
      yield* awaitCondition(closed(account))
      yield* Effect.sleep(quietMs)
      const interrupted = Exit.isInterrupted(exit)
      return judge({
        stop: "Fiber.interrupt(fiber)",
        ended: interrupted ? "the fiber's Exit is an interruption" : `the fiber's Exit is a ${exit._tag}`,
        outcome: interrupted ? "interrupted" : `Exit ${exit._tag}`,
        expected: interrupted
      }, account)
    })
}
