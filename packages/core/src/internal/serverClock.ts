/**
 * An estimate of the server's clock, from the `Date` headers of a client's responses.
 *
 * `Date` has whole-second resolution and is written before the response travels, so for every
 * response `Date − local receive time` is at most the true offset between the clocks. The largest
 * such sample is therefore still a lower bound, and it closes in on the true offset as responses
 * land just after a second boundary. Waits measured as `instant − (local + estimate)` are never
 * shorter than the real ones, and lose far less than the up-to-a-second a single `Date` costs.
 */
import { parseHttpDate } from "./hints.js"

// A sample this old no longer vouches for the server's clock, which may have been stepped back.
const sampleLifetimeMs = 60_000

export interface ServerClock {
  /** The server's time at local `now`, given the `Date` header just received; `undefined` without one. */
  readonly observe: (date: string | undefined, now: number) => number | undefined
}

export const makeServerClock = (): ServerClock => {
  let best: { readonly offset: number; readonly at: number } | undefined
  return {
    observe: (date, now) => {
      const serverDate = parseHttpDate(date)
      if (serverDate === undefined) return undefined
      const offset = serverDate - now
      if (best === undefined || offset >= best.offset || now - best.at > sampleLifetimeMs) best = { offset, at: now }
      return now + best.offset
    }
  }
}
