/**
 * One HTTP attempt, reduced to what the retry loop needs to decide: it never fails, it reports.
 */
import type * as Headers from "@effect/platform/Headers"
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { DeleteTokenResponse, VercelErrorBody, type VercelErrorDetail } from "../Schemas.js"
import { type Clocks, clocks } from "./hints.js"
import type { ServerClock } from "./serverClock.js"
import { controlCharacter } from "./tokenId.js"
import { describeTransportFailure, type TransportFailure } from "./transport.js"

/** The server answered with a status and, where it could be read, a body. */
export interface Answer {
  readonly status: number
  readonly headers: Headers.Headers
  readonly clocks: Clocks
  readonly requestId: string | undefined
  readonly detail: VercelErrorDetail | undefined
  readonly excerpt: string
}

export type Outcome =
  | { readonly _tag: "Deleted"; readonly tokenId: string; readonly answer: Answer }
  /** Any answer but a well-formed 2xx. */
  | { readonly _tag: "Answered"; readonly answer: Answer; readonly bodyOk: boolean }
  | { readonly _tag: "TransportFailed"; readonly failure: TransportFailure }
  | { readonly _tag: "TimedOut"; readonly afterHeaders: boolean }

const excerptLength = 200
const controlRuns = new RegExp(`${controlCharacter.source}+`, "g")

/** A body excerpt fit for an error message: short, single-line, with anything bearer-shaped removed. */
export const excerpt = (text: string): string => {
  const flat = text.replace(controlRuns, " ").replace(/Bearer\s+\S+/gi, "Bearer <redacted>")
  return flat.length > excerptLength ? `${flat.slice(0, excerptLength)}…` : flat
}

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

const unreadable = "(the body could not be read in full)"
const decodeDeleted = Schema.decodeUnknownEither(DeleteTokenResponse)
const decodeErrorBody = Schema.decodeUnknownOption(VercelErrorBody)

const read = (
  response: HttpClientResponse.HttpClientResponse,
  now: number,
  serverClock: ServerClock
): Effect.Effect<Outcome> =>
  Effect.map(Effect.either(response.text), (body) => {
    // undici's response builds a new Headers object on every read of `headers`.
    const headers = response.headers
    const status = response.status
    const text = Either.getOrElse(body, () => "")
    const json = parseJson(text)
    const success = status >= 200 && status < 300
    const answer: Answer = {
      status,
      headers,
      clocks: clocks(headers, now, serverClock.observe),
      requestId: headers["x-vercel-id"],
      // Only an error answer has an error body worth decoding; a 2xx needs the excerpt only if it is odd.
      detail: success ? undefined : Option.getOrUndefined(
        Option.flatMap(decodeErrorBody(json), (errorBody) => Option.fromNullable(errorBody.error ?? errorBody.err))
      ),
      excerpt: ""
    }
    if (success && Either.isRight(body)) {
      const decoded = decodeDeleted(json)
      if (Either.isRight(decoded)) return { _tag: "Deleted", tokenId: decoded.right.tokenId, answer }
    }
    const bodyOk = Either.isRight(body)
    return { _tag: "Answered", answer: { ...answer, excerpt: bodyOk ? excerpt(text) : unreadable }, bodyOk }
  })

/**
 * Sends `request` once, with `timeout` covering everything from sending to the last byte of the body.
 */
export const send = (
  client: HttpClient.HttpClient,
  request: HttpClientRequest.HttpClientRequest,
  timeout: Duration.Duration,
  serverClock: ServerClock
): Effect.Effect<Outcome> => {
  let afterHeaders = false
  return client.execute(request).pipe(
    Effect.flatMap((response) => {
      afterHeaders = true
      return Effect.flatMap(Clock.currentTimeMillis, (now) => read(response, now, serverClock))
    }),
    Effect.timeoutTo({
      duration: timeout,
      onSuccess: (outcome): Outcome => outcome,
      onTimeout: (): Outcome => ({ _tag: "TimedOut", afterHeaders })
    }),
    Effect.catchAll((error: HttpClientError.HttpClientError) =>
      Effect.succeed<Outcome>({ _tag: "TransportFailed", failure: describeTransportFailure(error) })
    )
  )
}
