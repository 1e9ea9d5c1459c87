/**
 * One request through undici's `dispatch`: the handler reads the body into memory up to the attempt's
 * limit, ends the attempt at its deadline with one timer, and resumes the waiting fiber exactly once.
 *
 * @internal
 */
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { AttemptDeadlineExceeded } from "@vercel-auth/core/AttemptLimits"
import * as Effect from "effect/Effect"
import type { IncomingHttpHeaders } from "node:http"
import type * as Undici from "undici"
import { toHeaders, UndiciResponse } from "./undiciResponse.js"

type Resume = (effect: Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.RequestError>) => void

const emptyBody = Buffer.alloc(0)

// The reasons handed to `controller.abort`. undici reports them back through `onResponseError`, which
// ignores them once the exchange is settled, so one shared instance each saves a stack trace per abort.
const interrupted = new Error("the request was interrupted")
const deadlinePassed = new Error("the attempt reached its deadline")
const bodyTooLong = new Error("the body is longer than the attempt reads")

/** undici failed before sending: the request itself is malformed (a header, the path, the body). */
const isInvalidArgument = (error: Error): boolean =>
  (error as { readonly code?: unknown }).code === "UND_ERR_INVALID_ARG"

export class Exchange implements Undici.Dispatcher.DispatchHandler {
  private controller: Undici.Dispatcher.DispatchController | undefined = undefined
  private timer: ReturnType<typeof setTimeout> | undefined = undefined
  private settled = false
  private status = 0
  private headers: IncomingHttpHeaders | undefined = undefined
  private chunks: Array<Buffer> = []
  private length = 0
  private max = Infinity

  constructor(
    private readonly request: HttpClientRequest.HttpClientRequest,
    private readonly resume: Resume,
    private readonly maxSuccessBytes: number,
    private readonly maxErrorBytes: number
  ) {}

  /** Arms the attempt's deadline, `ms` from now. */
  startTimer(ms: number): void {
    // A Node timer, not `Effect.sleep`: this transport does real I/O on the real clock, and a timer that
    // a `TestClock` could hold back would leave a real socket open for as long as a test likes.
    this.timer = setTimeout(onDeadline, ms, this)
  }

  /** The fiber was interrupted: stop the request now, so the server sees the connection close. */
  interrupt(): void {
    if (this.settled) return
    this.settle()
    this.controller?.abort(interrupted)
  }

  deadline(): void {
    if (this.settled) return
    this.settle()
    this.controller?.abort(deadlinePassed)
    this.fail(new AttemptDeadlineExceeded(this.headers !== undefined))
  }

  private settle(): void {
    this.settled = true
    if (this.timer !== undefined) clearTimeout(this.timer)
  }

  private fail(cause: unknown, reason: "Transport" | "Encode" = "Transport"): void {
    this.resume(Effect.fail(new HttpClientError.RequestError({ request: this.request, reason, cause })))
  }

  private succeed(truncated: boolean, brokenBy: Error | undefined): void {
    const headers = this.headers!
    const bytes = this.length === 0 ? emptyBody : Buffer.concat(this.chunks, this.length)
    this.chunks = []
    this.resume(Effect.succeed(
      new UndiciResponse(
        this.request,
        this.status,
        toHeaders(headers),
        headers["set-cookie"],
        bytes,
        truncated,
        brokenBy
      )
    ))
  }

  onRequestStart(controller: Undici.Dispatcher.DispatchController): void {
    if (this.settled) {
      // Interrupted or out of time while queued for a connection. Nothing was written yet: throwing here
      // fails the request before it is, and (unlike `abort`) leaves the idle connection to the next one.
      throw interrupted
    }
    this.controller = controller
  }

  onResponseStart(
    _controller: Undici.Dispatcher.DispatchController,
    statusCode: number,
    headers: IncomingHttpHeaders
  ): void {
    if (this.settled) return
    this.status = statusCode
    this.headers = headers
    this.max = statusCode >= 200 && statusCode < 300 ? this.maxSuccessBytes : this.maxErrorBytes
  }

  onResponseData(controller: Undici.Dispatcher.DispatchController, chunk: Buffer): void {
    if (this.settled) return
    const room = this.max - this.length
    if (chunk.length <= room) {
      this.chunks.push(chunk)
      this.length += chunk.length
      return
    }
    if (room > 0) {
      this.chunks.push(chunk.subarray(0, room))
      this.length += room
    }
    this.settle()
    this.succeed(true, undefined)
    // Closing the connection is the only way not to download the rest. Pausing first makes undici stop
    // parsing the data it holds, so it delivers nothing more for this request after the abort.
    controller.pause()
    controller.abort(bodyTooLong)
  }

  onResponseEnd(): void {
    if (this.settled) return
    this.settle()
    this.succeed(false, undefined)
  }

  onResponseError(_controller: Undici.Dispatcher.DispatchController | undefined, error: Error): void {
    if (this.settled) return
    this.settle()
    // After the headers, what arrived is an answer: the caller decides what a broken body means.
    if (this.headers !== undefined) this.succeed(false, error)
    else this.fail(error, isInvalidArgument(error) ? "Encode" : "Transport")
  }
}

function onDeadline(exchange: Exchange): void {
  exchange.deadline()
}
