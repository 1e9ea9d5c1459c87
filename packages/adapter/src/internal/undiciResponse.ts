/**
 * The response of the undici transport: the whole `HttpClientResponse` over a body already read into
 * one buffer, so that `text` and `json` are plain values instead of stream reads.
 *
 * @internal
 */
import * as Cookies from "@effect/platform/Cookies"
import * as Headers from "@effect/platform/Headers"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as HttpIncomingMessage from "@effect/platform/HttpIncomingMessage"
import * as UrlParams from "@effect/platform/UrlParams"
import { type BufferedBody, BufferedBodyTypeId, type BufferedResponse } from "@vercel-auth/core/AttemptLimits"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import * as Option from "effect/Option"
import * as Stream from "effect/Stream"
import type { IncomingHttpHeaders } from "node:http"

// `Headers.fromInput` would copy through `Object.entries`; the parsed headers are already lower case.
const headersProto: object = Object.getPrototypeOf(Headers.empty)

/** undici's parsed headers as a platform `Headers` record, repeated headers joined as `fromInput` does. */
export const toHeaders = (parsed: IncomingHttpHeaders): Headers.Headers => {
  const out: Record<string, string> = Object.create(headersProto)
  for (const key in parsed) {
    const value = parsed[key]
    if (value !== undefined) out[key] = typeof value === "string" ? value : value.join(", ")
  }
  return out as unknown as Headers.Headers
}

const utf8 = (bytes: Buffer): string =>
  // A byte order mark is not part of the text (fetch's `text()` drops it too).
  bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ?
    bytes.toString("utf8", 3) :
    bytes.toString("utf8")

export class UndiciResponse extends Inspectable.Class implements BufferedResponse {
  readonly [HttpClientResponse.TypeId]: HttpClientResponse.TypeId = HttpClientResponse.TypeId
  readonly [HttpIncomingMessage.TypeId]: HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly [BufferedBodyTypeId]: BufferedBody

  constructor(
    readonly request: HttpClientRequest.HttpClientRequest,
    readonly status: number,
    readonly headers: Headers.Headers,
    private readonly setCookie: string | ReadonlyArray<string> | undefined,
    private readonly bytes: Buffer,
    truncated: boolean,
    /** Why the body stopped before its end, when the connection failed. */
    private readonly brokenBy: Error | undefined
  ) {
    super()
    this[BufferedBodyTypeId] = { bytes, truncated, incomplete: brokenBy !== undefined }
  }

  get remoteAddress(): Option.Option<string> {
    return Option.none()
  }

  private cachedCookies: Cookies.Cookies | undefined
  get cookies(): Cookies.Cookies {
    if (this.cachedCookies === undefined) {
      const header = this.setCookie
      this.cachedCookies = header === undefined ?
        Cookies.empty :
        Cookies.fromSetCookie(typeof header === "string" ? [header] : header)
    }
    return this.cachedCookies
  }

  private decodeError(cause: unknown, description?: string): HttpClientError.ResponseError {
    return new HttpClientError.ResponseError({
      request: this.request,
      response: this,
      reason: "Decode",
      cause,
      ...(description === undefined ? undefined : { description })
    })
  }

  /**
   * The body as the platform promises it (all of it) is not available when it was cut at the limit or
   * by the connection: those reads fail, and the bytes that did arrive stay in `[BufferedBodyTypeId]`.
   */
  private cachedUnreadable: HttpClientError.ResponseError | null | undefined
  private get unreadable(): HttpClientError.ResponseError | null {
    if (this.cachedUnreadable === undefined) {
      const body = this[BufferedBodyTypeId]
      this.cachedUnreadable = body.truncated ?
        this.decodeError(
          undefined,
          `the body is longer than this attempt's limit; only its first ${body.bytes.length} bytes were read`
        ) :
        body.incomplete ?
        this.decodeError(this.brokenBy, "the connection failed before the whole body arrived") :
        null
    }
    return this.cachedUnreadable
  }

  private decodedText: string | undefined
  private get bodyText(): string {
    return this.decodedText ??= utf8(this.bytes)
  }

  private cachedText: Effect.Effect<string, HttpClientError.ResponseError> | undefined
  get text(): Effect.Effect<string, HttpClientError.ResponseError> {
    if (this.cachedText === undefined) {
      const unreadable = this.unreadable
      this.cachedText = unreadable === null ? Effect.succeed(this.bodyText) : Effect.fail(unreadable)
    }
    return this.cachedText
  }

  private cachedJson: Effect.Effect<unknown, HttpClientError.ResponseError> | undefined
  get json(): Effect.Effect<unknown, HttpClientError.ResponseError> {
    if (this.cachedJson === undefined) {
      const unreadable = this.unreadable
      this.cachedJson = unreadable === null ?
        Effect.try({
          try: () => {
            const text = this.bodyText
            return text === "" ? null : JSON.parse(text) as unknown
          },
          catch: (cause) => this.decodeError(cause)
        }) :
        Effect.fail(unreadable)
    }
    return this.cachedJson
  }

  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.ResponseError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => UrlParams.fromInput(new URLSearchParams(text)),
        catch: (cause) => this.decodeError(cause)
      }))
  }

  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.ResponseError> {
    const unreadable = this.unreadable
    if (unreadable !== null) return Effect.fail(unreadable)
    // A copy each time: the caller may write to it, and `bytes` may be a view of a larger buffer.
    return Effect.sync(() => {
      const copy = new ArrayBuffer(this.bytes.length)
      new Uint8Array(copy).set(this.bytes)
      return copy
    })
  }

  get formData(): Effect.Effect<FormData, HttpClientError.ResponseError> {
    const unreadable = this.unreadable
    if (unreadable !== null) return Effect.fail(unreadable)
    return Effect.tryPromise({
      try: () => {
        const contentType = this.headers["content-type"]
        return new Response(this.bytes, contentType === undefined ? {} : { headers: { "content-type": contentType } })
          .formData()
      },
      catch: (cause) => this.decodeError(cause)
    })
  }

  get stream(): Stream.Stream<Uint8Array, HttpClientError.ResponseError> {
    const unreadable = this.unreadable
    const bytes = this.bytes.length === 0 ? Stream.empty : Stream.succeed<Uint8Array>(this.bytes)
    return unreadable === null ? bytes : Stream.concat(bytes, Stream.fail(unreadable))
  }

  toJSON(): unknown {
    return HttpIncomingMessage.inspect(this, {
      _id: "@effect/platform/HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }
}
