/**
 * A Stream as an `AsyncIterable` for `for await`: each `next()` that needs more pulls one chunk (one
 * page) as one call of the client, so an abort or `dispose` ends it like any other call; leaving the
 * loop early closes the stream, and no further page is asked for.
 */
import * as Chunk from "effect/Chunk"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Option from "effect/Option"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"

/** Runs one pull as a call of the client. */
export type Start<R> = <X, E2>(effect: Effect.Effect<X, E2, R>, signal: AbortSignal | undefined) => Promise<X>

export const iterate = <A, E, R>(
  stream: Stream.Stream<A, E, R>,
  signal: AbortSignal | undefined,
  start: Start<R>
): AsyncIterable<A> => ({
  [Symbol.asyncIterator]: (): AsyncIterator<A> => {
    const scope = Effect.runSync(Scope.make())
    let pull: Effect.Effect<Chunk.Chunk<A>, Option.Option<E>, R> | undefined
    let buffer: Array<A> = []
    let done = false
    const close = () => {
      done = true
      buffer = []
      return Effect.runPromise(Scope.close(scope, Exit.void))
    }
    const page = Effect.suspend(() =>
      pull === undefined
        ? Effect.flatMap(Scope.extend(Stream.toPull(stream), scope), (made) => {
          pull = made
          return made
        })
        : pull
    )
    return {
      next: async (): Promise<IteratorResult<A>> => {
        while (buffer.length === 0 && !done) {
          try {
            buffer = Chunk.toArray(await start(page, signal))
          } catch (error) {
            await close()
            // A failed pull carries the stream's error as an Option: none is the end of the stream.
            if (Option.isOption(error)) {
              if (Option.isNone(error)) return { done: true, value: undefined }
              throw error.value
            }
            throw error
          }
        }
        if (buffer.length === 0) return { done: true, value: undefined }
        return { done: false, value: buffer.shift()! }
      },
      return: async (): Promise<IteratorResult<A>> => {
        await close()
        return { done: true, value: undefined }
      }
    }
  }
})
