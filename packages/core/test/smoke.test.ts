import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, TestClock, Fiber } from "effect"
import { TokenService, VercelAuth } from "@vercel-auth/core"

const TOKEN = "vercel_secret_TOKEN_123"
const make = (responses: Array<() => Response>) => {
  const urls: Array<string> = []
  const client = HttpClient.make((request, url) => Effect.sync(() => {
    urls.push(`${request.method} ${url.href} ${JSON.stringify(request.headers)}`)
    const r = responses.shift()!()
    return HttpClientResponse.fromWeb(request, r)
  }))
  return { urls, layer: VercelAuth.layer({ token: TOKEN, baseUrl: "https://api.test" }).pipe(Layer.provide(Layer.succeed(HttpClient.HttpClient, client)), Layer.orDie) }
}
describe("smoke", () => {
  it.effect("ok", () => Effect.gen(function*() {
    const m = make([() => new Response(JSON.stringify({ tokenId: "tok_1" }), { status: 200 })])
    const r = yield* Effect.flatMap(TokenService.TokenService, (s) => s.delete("a/b")).pipe(Effect.provide(m.layer))
    console.log(r, m.urls)
  }))
  it.effect("503 then 200", () => Effect.gen(function*() {
    const m = make([() => new Response("", { status: 503, headers: { "retry-after": "2" } }), () => new Response(JSON.stringify({ tokenId: "tok_1" }), { status: 200 })])
    const f = yield* Effect.flatMap(TokenService.TokenService, (s) => s.delete("tok_1")).pipe(Effect.provide(m.layer), Effect.fork)
    yield* TestClock.adjust(1999)
    expect(m.urls.length).toBe(1)
    yield* TestClock.adjust(2000)
    const r = yield* Fiber.join(f)
    console.log(r, m.urls.length)
  }))
  it.effect("404", () => Effect.gen(function*() {
    const m = make([() => new Response(JSON.stringify({ error: { code: "not_found", message: "nope" } }), { status: 404, headers: { "x-vercel-id": "fra1::abc" } })])
    const r = yield* Effect.flatMap(TokenService.TokenService, (s) => s.delete("tok_1")).pipe(Effect.provide(m.layer), Effect.flip)
    console.log(r, String(r), JSON.stringify(r))
  }))
})
