/**
 * Bounded polling of the server's records, for the moments the demo waits on the other side of the wire.
 */
import * as Effect from "effect/Effect"

const stepMs = 5

/** Polls `condition` until it holds or `timeoutMs` passes; says which. */
export const waitFor = async (condition: () => boolean, timeoutMs = 2_000): Promise<boolean> => {
  for (let waited = 0; waited < timeoutMs; waited += stepMs) {
    if (condition()) return true
    await sleep(stepMs)
  }
  return condition()
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** `waitFor` for the Effect lanes, on the Effect clock. */
export const awaitCondition = (condition: () => boolean, timeoutMs = 2_000): Effect.Effect<boolean> =>
  Effect.gen(function*() {
    for (let waited = 0; waited < timeoutMs; waited += stepMs) {
      if (condition()) return true
      yield* Effect.sleep(stepMs)
    }
    return condition()
  })
