/**
 * One HTTP attempt, reduced to what the engine needs to decide: it never fails, it reports. The body
 * is read only up to the attempt's limit, so no answer, however large, costs more than a few KiB of
 * memory, and nothing of it outlives the attempt but a short excerpt.
 */
import type * as Headers from "@effect/platform/Headers"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Stream from "effect/Stream"
import {
  type AttemptLimits,
  type BufferedBody,
  BufferedBodyTypeId,
  isAttemptDeadlineExceeded,
  isBufferedResponse
} from "../../AttemptLimits.js"
import type { VercelErrorDetail } from "../../Schemas.js"
import { type Clocks } from "../hints.js"
import type { ServerClock } from "../serverClock.js"
import { describeTransportFailure, type TransportFailure } from "../transport.js"
import { vercelErrorDetail } from "./vercelBody.js"

/** The server answered with a status and, as far as it could be read, a body. */
export interface Answer {
  readonly status: number
  readonly headers: Headers.Headers
  readonly clocks: Clocks
  /** The body as text, at most the attempt's limit. */
  readonly text: string
  /** The body was longer than the limit: what was read is only its start. */
  readonly truncated: boolean
  /** The connection failed before the body ended. */
  readonly incomplete: boolean
  /** Vercel's error object, when the body is Vercel's JSON error body. */
  readonly detail: VercelErrorDetail | undefined
}

export type Outcome =
  | { readonly _tag: "Answered"; readonly answer: Answer }
  | { readonly _tag: "TransportFailed"; readonly failure: TransportFailure }
  | { readonly _tag: "TimedOut"; readonly afterHeaders: boolean; readonly phase: "attempt" | "deadline" }

const decoder = new TextDecoder()

const concat = (chunks: ReadonlyArray<Uint8Array>, size: number): Uint8Array => {
  if (chunks.length === 1) return chunks[0]!.subarray(0, size)
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    const part = chunk.subarray(0, size - offset)
    bytes.set(part, offset)
    offset += part.length
    if (offset >= size) break
  }
  return bytes
}

/**
 * Reads at most `limit` bytes of a transport's body stream, then stops it. The read runs apart and
 * the caller goes on as soon as it has its bytes: stopping a stream waits for its source to cancel,
 * and a tee'd web body (a cloned `Response`) cancels only once its twin does, which may be never.
 */
const readStream = (response: HttpClientResponse.HttpClientResponse, limit: number): Effect.Effect<BufferedBody> =>
  Effect.uninterruptibleMask((restore) =>
    Effect.gen(function*() {
      const chunks: Array<Uint8Array> = []
      let size = 0
      const read = yield* Deferred.make<BufferedBody>()
      const finish = (incomplete: boolean) =>
        Deferred.unsafeDone(
          read,
          Exit.succeed({
            bytes: concat(chunks, Math.min(size, limit)),
            truncated: size > limit,
            incomplete
          })
        )
      // Restored: a fiber forked in an uninterruptible region would be uninterruptible too.
      const reader = yield* Effect.forkDaemon(restore(
        Stream.runForEachWhile(response.stream, (chunk) =>
          Effect.sync(() => {
            chunks.push(chunk)
            size += chunk.length
            if (size <= limit) return true
            finish(false)
            return false
          })).pipe(Effect.match({ onFailure: () => finish(true), onSuccess: () => finish(false) }))
      ))
      return yield* restore(Deferred.await(read)).pipe(Effect.onInterrupt(() => Fiber.interruptFork(reader)))
    })
  )

const limitOf = (response: HttpClientResponse.HttpClientResponse, limits: AttemptLimits): number =>
  response.status >= 200 && response.status < 300 ? limits.maxSuccessBytes : limits.maxErrorBytes

const toAnswer = (
  response: HttpClientResponse.HttpClientResponse,
  body: BufferedBody,
  sentAt: number,
  receivedAt: number,
  serverClock: ServerClock
): Outcome => {
  // Some transports rebuild the headers object on every read of `headers`.
  const headers = response.headers
  const status = response.status
  const text = decoder.decode(body.bytes)
  return {
    _tag: "Answered",
    answer: {
      status,
      headers,
      clocks: { now: receivedAt, serverNow: serverClock.observe(headers["date"], sentAt, receivedAt) },
      text,
      truncated: body.truncated,
      incomplete: body.incomplete,
      // Only an error answer has an error body worth decoding.
      detail: status >= 200 && status < 300 || body.truncated ? undefined : vercelErrorDetail(text)
    }
  }
}

const transportFailed = (error: HttpClientError.HttpClientError): Outcome => {
  const cause = error._tag === "RequestError" ? error.cause : undefined
  if (isAttemptDeadlineExceeded(cause)) return { _tag: "TimedOut", afterHeaders: cause.afterHeaders, phase: "attempt" }
  return { _tag: "TransportFailed", failure: describeTransportFailure(error) }
}

export interface SendOptions {
  readonly limits: AttemptLimits
  readonly sentAt: number
  readonly serverClock: ServerClock
  /** The transport ends the attempt at `limits.deadlineAt` itself, and buffers the body within the limits. */
  readonly enforced: boolean
  /** The caller's clock, read synchronously. */
  readonly now: () => number
}

/**
 * Sends `request` once. `limits.deadlineAt` covers everything from sending to the last byte read.
 */
export const send = (
  client: HttpClient.HttpClient,
  request: HttpClientRequest.HttpClientRequest,
  { enforced, limits, now, sentAt, serverClock }: SendOptions
): Effect.Effect<Outcome> => {
  const phase: "attempt" | "deadline" = limits.deadlineIsCall ? "deadline" : "attempt"
  const failed = (error: HttpClientError.HttpClientError) => {
    const outcome = transportFailed(error)
    return Effect.succeed(outcome._tag === "TimedOut" ? { ...outcome, phase } : outcome)
  }
  if (enforced) {
    // The transport keeps the limits and buffers the body: one step from request to answer.
    return Effect.matchEffect(client.execute(request), {
      onFailure: failed,
      onSuccess: (response) =>
        isBufferedResponse(response)
          ? Effect.succeed(toAnswer(response, response[BufferedBodyTypeId], sentAt, now(), serverClock))
          : Effect.map(
            readStream(response, limitOf(response, limits)),
            (body) => toAnswer(response, body, sentAt, now(), serverClock)
          )
    })
  }
  let afterHeaders = false
  const answered = Effect.flatMap(client.execute(request), (response) => {
    afterHeaders = true
    return Effect.map(
      isBufferedResponse(response)
        ? Effect.succeed(response[BufferedBodyTypeId])
        : readStream(response, limitOf(response, limits)),
      (body) => toAnswer(response, body, sentAt, now(), serverClock)
    )
  })
  return Effect.timeoutTo(answered, {
    // A fiber race: the cost of a timeout around a transport that cannot end an attempt itself.
    duration: Math.max(0, limits.deadlineAt - sentAt),
    onSuccess: (outcome): Outcome => outcome,
    onTimeout: (): Outcome => ({ _tag: "TimedOut", afterHeaders, phase })
  }).pipe(Effect.catchAll(failed))
}
