import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import { MockHttpClient } from "@vercel-auth/testing"
import { Effect, Exit, Fiber } from "effect"

const get = (url: string) => Effect.flatMap(HttpClient.HttpClient, (client) => client.get(url))

describe("MockHttpClient", () => {
  it.effect("answers with a web Response and records the request", () => {
    const mock = MockHttpClient.make((request) => MockHttpClient.json(200, { seen: request.method }, { "x-a": "1" }))
    return Effect.gen(function*() {
      const response = yield* get("http://api.test/v1/things?x=1")
      expect(response.status).toBe(200)
      expect(response.headers["x-a"]).toBe("1")
      expect(yield* response.json).toEqual({ seen: "GET" })
      expect(mock.requests).toHaveLength(1)
      expect(mock.requests[0]!.method).toBe("GET")
      expect(mock.requests[0]!.url.pathname).toBe("/v1/things")
      expect(mock.requests[0]!.url.searchParams.get("x")).toBe("1")
    }).pipe(Effect.provide(mock.layer))
  })

  it.effect("reuses a constant Response for every request", () => {
    const constant = new Response("same", { status: 202 })
    return Effect.gen(function*() {
      for (let i = 0; i < 3; i++) {
        const response = yield* get("http://api.test/")
        expect(yield* response.text).toBe("same")
      }
    }).pipe(Effect.provide(MockHttpClient.layer(() => constant)))
  })

  it.effect("accepts Promise and Effect handlers, and an HttpClientResponse", () =>
    Effect.gen(function*() {
      const viaPromise = yield* get("http://api.test/").pipe(
        Effect.provide(MockHttpClient.layer(async () => new Response("p", { status: 201 })))
      )
      expect(viaPromise.status).toBe(201)
      const viaEffect = yield* get("http://api.test/").pipe(
        Effect.provide(
          MockHttpClient.layer((request) =>
            Effect.succeed(HttpClientResponse.fromWeb(request, new Response(null, { status: 204 })))
          )
        )
      )
      expect(viaEffect.status).toBe(204)
    }))

  it.effect("turns a throw, a rejection or a failure into a Transport RequestError", () =>
    Effect.gen(function*() {
      const handlers: ReadonlyArray<MockHttpClient.Handler> = [
        () => {
          throw new Error("ECONNRESET")
        },
        () => Promise.reject(new Error("ECONNRESET")),
        () => Effect.fail(new Error("ECONNRESET")),
        () => Effect.die(new Error("ECONNRESET"))
      ]
      for (const handler of handlers) {
        const error = yield* Effect.flip(get("http://api.test/").pipe(Effect.provide(MockHttpClient.layer(handler))))
        expect(error).toBeInstanceOf(HttpClientError.RequestError)
        expect(error._tag === "RequestError" && error.reason).toBe("Transport")
        expect((error.cause as Error).message).toBe("ECONNRESET")
      }
    }))

  it.effect("passes an HttpClientError through unchanged", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        get("http://api.test/").pipe(
          Effect.provide(
            MockHttpClient.layer((request) =>
              Effect.fail(new HttpClientError.RequestError({ request, reason: "Encode" }))
            )
          )
        )
      )
      expect(error._tag === "RequestError" && error.reason).toBe("Encode")
    }))

  it.effect("a hung handler is interrupted with the caller, and its signal aborts", () => {
    const mock = MockHttpClient.make(() => Effect.never)
    return Effect.gen(function*() {
      const client = yield* HttpClient.HttpClient
      const fiber = yield* Effect.fork(client.execute(HttpClientRequest.del("http://api.test/x")))
      yield* Effect.yieldNow()
      expect(mock.requests).toHaveLength(1)
      expect(mock.requests[0]!.signal.aborted).toBe(false)
      const exit = yield* Fiber.interrupt(fiber)
      expect(Exit.isInterrupted(exit)).toBe(true)
      expect(mock.requests[0]!.signal.aborted).toBe(true)
    }).pipe(Effect.provide(mock.layer))
  })
})
