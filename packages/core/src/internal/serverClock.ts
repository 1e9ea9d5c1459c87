/**
 * An estimate of the server's clock, from the `Date` headers of a client's responses.
 *
 * `Date` has whole seconds and is written while the request is handled, so each response brackets
 * the offset between the clocks from both sides: the server's time was in `[Date, Date + 1 s)` at some
 * local instant between sending and receiving, so
 * `Date − received ≤ offset < Date + 1 s − sent`. The largest lower bound seen is kept: waits measured
 * from it are never shorter than the real ones, and it closes in on the true offset as responses land
 * at different points of a second, far tighter than the one second a single `Date` allows. The
 * smallest upper bound is kept too, to notice a server clock that was stepped: bounds that cross mean
 * the old samples no longer hold, and the newest starts afresh.
 */
import { parseHttpDate } from "./hints.js"

// A sample this old no longer vouches for the server's clock, which may drift or be stepped.
const sampleLifetimeMs = 60_000

export interface ServerClock {
  /**
   * The server's time at local `receivedAt`, given the `Date` of a response to a request sent at
   * local `sentAt`; `undefined` without a readable `Date`.
   */
  readonly observe: (date: string | undefined, sentAt: number, receivedAt: number) => number | undefined
}

interface Bound {
  readonly offset: number
  readonly at: number
}

export const makeServerClock = (): ServerClock => {
  let lower: Bound | undefined
  let upper: Bound | undefined
  // Consecutive answers mostly carry the same second: parse each distinct `Date` once.
  let lastDate: string | undefined
  let lastParsed: number | undefined
  return {
    observe: (date, sentAt, receivedAt) => {
      if (date !== lastDate) {
        lastDate = date
        lastParsed = parseHttpDate(date)
      }
      const serverDate = lastParsed
      if (serverDate === undefined) return undefined
      const low = serverDate - receivedAt
      const high = serverDate + 1000 - Math.min(sentAt, receivedAt)
      const stale = (bound: Bound | undefined) => bound === undefined || receivedAt - bound.at > sampleLifetimeMs
      if (stale(lower) || low >= lower!.offset) lower = { offset: low, at: receivedAt }
      if (stale(upper) || high <= upper!.offset) upper = { offset: high, at: receivedAt }
      if (lower!.offset >= upper!.offset) {
        lower = { offset: low, at: receivedAt }
        upper = { offset: high, at: receivedAt }
      }
      return receivedAt + lower!.offset
    }
  }
}
