/**
 * One timer per client for every wait that must end at a deadline (a call queued for a concurrency
 * slot, a caller waiting for a probe's answer). A fiber race per waiter would fork two fibers for
 * each; at 10 000 queued calls that was most of the work and stalled the event loop. Here a waiter is
 * an entry in a heap, and one fiber sleeps (on the `Clock`, so `TestClock` drives it) until the
 * earliest live entry, and holds no timer at all while nothing waits.
 */
import * as Clock from "effect/Clock"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as FiberId from "effect/FiberId"
import type * as Scope from "effect/Scope"

export interface Deadlines {
  /** Calls `fire` at the local instant `at` unless cancelled first; returns the cancellation. */
  readonly add: (at: number, fire: () => void) => () => void
}

interface Entry {
  readonly at: number
  readonly seq: number
  readonly fire: () => void
  live: boolean
}

const before = (a: Entry, b: Entry): boolean => a.at < b.at || (a.at === b.at && a.seq < b.seq)

/** A binary min-heap by instant, first in first out among equal instants. */
const makeHeap = () => {
  const items: Array<Entry> = []
  const swap = (i: number, j: number) => {
    const item = items[i]!
    items[i] = items[j]!
    items[j] = item
  }
  return {
    peek: (): Entry | undefined => items[0],
    push: (entry: Entry) => {
      items.push(entry)
      let i = items.length - 1
      while (i > 0) {
        const parent = (i - 1) >> 1
        if (!before(items[i]!, items[parent]!)) break
        swap(i, parent)
        i = parent
      }
    },
    pop: (): Entry | undefined => {
      const top = items[0]
      const last = items.pop()
      if (top === undefined || last === undefined || items.length === 0) return top
      items[0] = last
      let i = 0
      while (true) {
        const left = 2 * i + 1
        const right = left + 1
        let smallest = i
        if (left < items.length && before(items[left]!, items[smallest]!)) smallest = left
        if (right < items.length && before(items[right]!, items[smallest]!)) smallest = right
        if (smallest === i) return top
        swap(i, smallest)
        i = smallest
      }
    }
  }
}

export const makeDeadlines: Effect.Effect<Deadlines, never, Scope.Scope> = Effect.gen(function*() {
  const heap = makeHeap()
  let live = 0
  let seq = 0
  // The instant the loop sleeps until (Infinity when idle), and how to wake it before that.
  let armedAt = Infinity
  let wake = Deferred.unsafeMake<void>(FiberId.none)
  const poke = () => Deferred.unsafeDone(wake, Exit.void)

  const dropDead = () => {
    while (heap.peek()?.live === false) heap.pop()
  }

  const loop = Effect.gen(function*() {
    while (true) {
      const now = yield* Clock.currentTimeMillis
      dropDead()
      for (let due = heap.peek(); due !== undefined && due.at <= now; due = heap.peek()) {
        heap.pop()
        if (due.live) {
          due.live = false
          live--
          due.fire()
        }
        dropDead()
      }
      wake = yield* Deferred.make<void>()
      const next = heap.peek()
      armedAt = next?.at ?? Infinity
      yield* next === undefined
        ? Deferred.await(wake)
        : Effect.raceFirst(Effect.sleep(next.at - now), Deferred.await(wake))
    }
  })
  yield* Effect.forkScoped(loop)

  return {
    add: (at, fire) => {
      const entry: Entry = { at, seq: seq++, fire, live: true }
      heap.push(entry)
      live++
      if (at < armedAt) poke()
      return () => {
        if (!entry.live) return
        entry.live = false
        // Nothing left to wait for: let the loop drop its timer, so an idle client keeps no process alive.
        if (--live === 0) poke()
      }
    }
  }
})
