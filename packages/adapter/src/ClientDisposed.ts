/**
 * The error of a call made on, or ended by, a disposed client.
 *
 * @since 0.2.0
 */
import * as Data from "effect/Data"

/**
 * Thrown by the Promise API (and died with, in the Effect API) when a client is used after
 * `dispose()`, or when `dispose()` ends a call in flight.
 *
 * @since 0.2.0
 * @category errors
 */
export class ClientDisposed extends Data.TaggedError("ClientDisposed")<{}> {
  /** @since 0.2.0 */
  get message(): string {
    return "@vercel-auth/adapter: client disposed. This client's dispose() was called, so it sends nothing more; " +
      "create a new one with createVercelAuth()."
  }
}
