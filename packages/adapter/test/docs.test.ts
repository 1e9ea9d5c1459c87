/**
 * docs/promise-api.md and docs/effect-api.md: every ts block is copied verbatim from its example
 * file (and every example section is shown), and the examples work against MockVercelServer.
 */
import { afterEach, beforeEach, describe, expect, it } from "@effect/vitest"
import { createVercelAuth } from "@vercel-auth/adapter"
import { ConfigProvider, Effect, Layer, Option } from "effect"
import { readFileSync } from "node:fs"
import * as EffectApi from "../../../docs/examples/effect-api.js"
import * as PromiseApi from "../../../docs/examples/promise-api.js"
import { eventually, expectNoUnhandledRejections, fast, TOKEN, withClient, withServer } from "./support.js"

expectNoUnhandledRejections()

const read = (path: string) => readFileSync(new URL(`../../../docs/${path}`, import.meta.url), "utf8")
const codeBlocks = (markdown: string) => [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!)
const sections = (example: string) =>
  [...example.matchAll(/\/\/ --- [\w-]+: ([\w-]+)\n([\s\S]*?)\/\/ --- end\n/g)].map((match) => match[2]!)

describe.each([
  ["promise-api.md", "examples/promise-api.ts"],
  ["effect-api.md", "examples/effect-api.ts"]
])("%s", (page, examplePath) => {
  it("shows code blocks copied verbatim from its example, and all of them", () => {
    const markdown = read(page)
    const example = read(examplePath)
    const blocks = codeBlocks(markdown)
    expect(blocks.length).toBeGreaterThan(3)
    for (const block of blocks) expect(example, `not in docs/${examplePath}:\n${block}`).toContain(block)
    for (const section of sections(example)) expect(blocks, `not shown in docs/${page}`).toContain(section)
  })
})

describe("docs/examples/promise-api.ts", () => {
  const saved = process.env.VERCEL_TOKEN
  beforeEach(() => {
    process.env.VERCEL_TOKEN = TOKEN
  })
  afterEach(() => {
    if (saved === undefined) delete process.env.VERCEL_TOKEN
    else process.env.VERCEL_TOKEN = saved
  })

  it("revokeLeaked revokes with the token from VERCEL_TOKEN and skips the missing ones", () =>
    withServer({ tokens: { [TOKEN]: ["tok_1", "tok_2"] } }, async (server) => {
      expect(await PromiseApi.revokeLeaked(["tok_1", "tok_gone", "tok_2"], server.url)).toEqual(["tok_1", "tok_2"])
      expect(server.requests.map((r) => r.userAgent?.split(" ")[0])).toEqual(Array(3).fill("incident-bot/1.0"))
    }))

  it("revokeOrExplain explains the rejections it handles and rethrows the others", () =>
    withServer(
      { tokens: { [TOKEN]: ["tok_1"] } },
      (server) =>
        withClient({ token: TOKEN, baseUrl: server.url, resilience: { ...fast, maxAttempts: 1 } }, async (vercel) => {
          expect(await PromiseApi.revokeOrExplain(vercel, "tok_1")).toBe("revoked tok_1")
          expect(await PromiseApi.revokeOrExplain(vercel, "tok_1")).toBe("no token tok_1 (status 404)")
          server.script.push({ kind: "reset", when: "after-delete" })
          server.add({ [TOKEN]: ["tok_3"] })
          expect(await PromiseApi.revokeOrExplain(vercel, "tok_3")).toBe("connection lost: the token may be revoked")
          server.script.push({ kind: "status", status: 403 })
          await expect(PromiseApi.revokeOrExplain(vercel, "tok_4")).rejects.toHaveProperty("_tag", "Forbidden")
          // Last: the 429 closes this client's gate for the 30 s the server asked for.
          server.script.push({ kind: "status", status: 429, retryAfter: 30 })
          expect(await PromiseApi.revokeOrExplain(vercel, "tok_2")).toMatch(/^rate limited; try again at \d{4}-/)
        })
    ))

  it("revokeUnlessCancelled resolves undefined once aborted, and cancelOnInterrupt wires SIGINT", () =>
    withServer(
      { tokens: { [TOKEN]: ["tok_1", "tok_2"] } },
      (server) =>
        withClient({ token: TOKEN, baseUrl: server.url }, async (vercel) => {
          const listeners = process.listenerCount("SIGINT")
          const { done, signal } = PromiseApi.cancelOnInterrupt()
          expect(process.listenerCount("SIGINT")).toBe(listeners + 1)
          expect(await PromiseApi.revokeUnlessCancelled(vercel, "tok_1", signal)).toEqual({ tokenId: "tok_1" })
          done()
          expect(process.listenerCount("SIGINT")).toBe(listeners)
          server.script.push({ kind: "hang" })
          const controller = new AbortController()
          const pending = PromiseApi.revokeUnlessCancelled(vercel, "tok_2", controller.signal)
          await eventually(() => server.requests.length === 2, "the second request")
          controller.abort()
          expect(await pending).toBeUndefined()
        })
    ))

  it("patientClient makes a working client with the longer policy", () =>
    withServer({ tokens: { [TOKEN]: ["tok_1"] } }, async (server) => {
      const vercel = PromiseApi.patientClient(server.url)
      try {
        expect(await vercel.tokens.delete("tok_1")).toEqual({ tokenId: "tok_1" })
      } finally {
        await vercel.dispose()
      }
    }))
})

describe("docs/examples/effect-api.ts", () => {
  const onServer = (tokens: ReadonlyArray<string>, use: (url: string) => Effect.Effect<void, unknown>) =>
    withServer({ tokens: { [TOKEN]: tokens } }, (server) => Effect.runPromise(use(server.url)))

  it("revokeLeaked through VercelLive, configured from VERCEL_TOKEN and VERCEL_API_URL", () =>
    onServer(["tok_1"], (url) =>
      EffectApi.revokeLeaked(["tok_1", "tok_gone"]).pipe(
        Effect.tap((lines) => expect(lines).toEqual(["revoked tok_1", "tok_gone was already gone"])),
        Effect.provide(EffectApi.VercelLive),
        Effect.provide(Layer.setConfigProvider(
          ConfigProvider.fromMap(new Map([["VERCEL_TOKEN", TOKEN], ["VERCEL_API_URL", url]]))
        ))
      )))

  it("vercelLayer provides TokenService; revokeWithin gives up when the server does not answer", () =>
    onServer(["tok_1", "tok_2"], (url) =>
      Effect.gen(function*() {
        expect(yield* EffectApi.revokeWithin("tok_1", "5 seconds")).toEqual(Option.some({ tokenId: "tok_1" }))
      }).pipe(Effect.provide(EffectApi.vercelLayer(TOKEN, url))))
      .then(() =>
        withServer({ tokens: { [TOKEN]: ["tok_2"] } }, async (server) => {
          server.script.push({ kind: "hang" })
          const result = await Effect.runPromise(
            EffectApi.revokeWithin("tok_2", "200 millis").pipe(Effect.provide(EffectApi.vercelLayer(TOKEN, server.url)))
          )
          expect(result).toEqual(Option.none())
          await eventually(() => server.requests[0]?.aborted === true, "the request to be closed")
          expect(server.requests).toHaveLength(1)
        })
      ))

  it("revokeWithClient runs on a Promise API client", () =>
    withServer({ tokens: { [TOKEN]: ["tok_1"] } }, async (server) => {
      const vercel = createVercelAuth({ token: TOKEN, baseUrl: server.url, resilience: fast })
      try {
        expect(await Effect.runPromise(EffectApi.revokeWithClient(vercel, "tok_1"))).toBe("revoked tok_1")
        expect(await Effect.runPromise(EffectApi.revokeWithClient(vercel, "tok_1"))).toBe("tok_1 was already gone")
        server.script.push({ kind: "status", status: 429, retryAfter: 120 })
        expect(await Effect.runPromise(EffectApi.revokeWithClient(vercel, "tok_2"))).toMatch(/^try again at \d{4}-/)
      } finally {
        await vercel.dispose()
      }
    }))
})
