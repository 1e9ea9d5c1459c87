/**
 * docs/promise-api.md and docs/effect-api.md: every ts block is copied verbatim from its example
 * file (and every example section is shown), and the examples work against MockVercelServer.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "@effect/vitest"
import { createVercelAuth, TokenService, UnexpectedResponse } from "@vercel-auth/adapter"
import { ConfigProvider, Effect, Layer, Logger, Option } from "effect"
import { readFileSync } from "node:fs"
import * as EffectApi from "../../../docs/examples/effect-api.js"
import * as Errors from "../../../docs/examples/errors.js"
import * as GettingStarted from "../../../docs/examples/getting-started.js"
import * as PromiseApi from "../../../docs/examples/promise-api.js"
import * as Transport from "../../../docs/examples/transport.js"
import { eventually, expectNoUnhandledRejections, fast, rejection, TOKEN, withClient, withServer } from "./support.js"

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

describe.each([
  ["errors.md", "examples/errors.ts"],
  ["getting-started.md", "examples/getting-started.ts"],
  ["transport.md", "examples/transport.ts"]
])("%s", (page, examplePath) => {
  it("shows code blocks copied verbatim from its example, and every section of it", () => {
    const blocks = codeBlocks(read(page))
    const example = read(examplePath)
    for (const block of blocks) expect(example, `not in docs/${examplePath}:\n${block}`).toContain(block)
    for (const section of sections(example)) expect(blocks, `not shown in docs/${page}`).toContain(section)
  })
})

describe("docs/examples/promise-api.ts, await using and the group", () => {
  const saved = process.env.VERCEL_TOKEN
  beforeEach(() => {
    process.env.VERCEL_TOKEN = TOKEN
  })
  afterEach(() => {
    if (saved === undefined) delete process.env.VERCEL_TOKEN
    else process.env.VERCEL_TOKEN = saved
  })

  it("whoAmI reads `current` on a client that `await using` disposes", () =>
    withServer({ tokens: { [TOKEN]: ["tok_1"] } }, async (server) => {
      expect(await PromiseApi.whoAmI(server.url)).toBe("self (tok_self_1)")
      expect(server.requests.map((request) => request.tokenId)).toEqual(["current"])
    }))

  it("staleTokens lists every page and keeps the tokens unused for 90 days", () =>
    withServer(
      {
        tokens: { [TOKEN]: ["tok_1", { id: "tok_old", activeAt: Date.now() - 100 * 24 * 60 * 60 * 1000 }, "tok_2"] },
        pagination: { pageSize: 2 }
      },
      (server) =>
        withClient({ token: TOKEN, baseUrl: server.url, resilience: fast }, async (vercel) => {
          expect(await PromiseApi.staleTokens(vercel)).toEqual(["tok_old"])
          expect(server.requests.filter((request) => request.route === "list")).toHaveLength(2)
          const controller = new AbortController()
          controller.abort()
          await expect(PromiseApi.staleTokens(vercel, controller.signal)).rejects.toHaveProperty("name", "AbortError")
          expect(server.requests.filter((request) => request.route === "list")).toHaveLength(2)
        })
    ))
})

describe("docs/examples/effect-api.ts, the group", () => {
  it("neverExpiring lists through vercelLayer", () =>
    withServer(
      { tokens: { [TOKEN]: ["tok_1", { id: "tok_expiring", expiresAt: Date.now() + 60 * 60 * 1000 }] } },
      async (server) => {
        const names = await Effect.runPromise(
          EffectApi.neverExpiring.pipe(Effect.provide(EffectApi.vercelLayer(TOKEN, server.url)))
        )
        expect([...names].sort()).toEqual(["self", "tok_1"])
      }
    ))

  it("firstTokenIds stops paging once it has taken enough", () =>
    withServer(
      { tokens: { [TOKEN]: ["tok_1", "tok_2", "tok_3"] }, pagination: { pageSize: 2 } },
      (server) =>
        withClient({ token: TOKEN, baseUrl: server.url, resilience: fast }, async (vercel) => {
          expect(await Effect.runPromise(EffectApi.firstTokenIds(vercel, 2))).toEqual(["tok_self_1", "tok_1"])
          expect(server.requests.filter((request) => request.route === "list")).toHaveLength(1)
        })
    ))
})

/** The log lines an example writes, kept out of the test output and checked instead. */
const capturedLogs = () => {
  const lines: Array<string> = []
  const layer = Logger.replace(
    Logger.defaultLogger,
    Logger.make(({ logLevel, message }) => {
      lines.push(`${logLevel.label} ${Array.isArray(message) ? message.join(" ") : String(message)}`)
    })
  )
  return { lines, layer }
}

describe("docs/examples/getting-started.ts", () => {
  const config = (url: string) =>
    Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["VERCEL_TOKEN", TOKEN], ["VERCEL_API_URL", url]])))

  it("revoke through VercelLive, and through PatientVercel", () =>
    withServer({ tokens: { [TOKEN]: ["tok_1", "tok_2"] } }, async (server) => {
      const logs = capturedLogs()
      for (const layer of [GettingStarted.VercelLive, GettingStarted.PatientVercel]) {
        expect(
          await Effect.runPromise(
            GettingStarted.revoke("tok_1").pipe(
              Effect.provide(layer),
              Effect.provide(config(server.url)),
              Effect.provide(logs.layer)
            )
          )
        ).toEqual(
          layer === GettingStarted.VercelLive ? { tokenId: "tok_1" } : { tokenId: "tok_1", alreadyDeleted: true }
        )
      }
      expect(server.deleted()).toEqual(["tok_1"])
      expect(logs.lines).toEqual(["INFO revoked tok_1", "INFO tok_1 was already gone"])
    }))
})

describe("docs/examples/errors.ts", () => {
  it("rateLimited writes its own message from its fields", () => {
    expect(Errors.rateLimited.message).toBe(
      "Revoking token \"tok_1\" failed: Vercel answered 429 after 3 attempts. " +
        "Rate limited until 2030-01-01T00:00:00.000Z, later than this call may wait."
    )
    expect(Errors.rateLimited).toBeInstanceOf(Error)
  })

  it("inEffect and inPromise treat a missing token as gone and pass a rate limit on", () =>
    withServer(
      { tokens: { [TOKEN]: ["tok_1", "tok_2"] } },
      (server) =>
        withClient({ token: TOKEN, baseUrl: server.url, resilience: fast }, async (vercel) => {
          const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined)
          const logs = capturedLogs()
          try {
            expect(await Effect.runPromise(Errors.inEffect(vercel.effect.tokens, "tok_1"))).toEqual({
              tokenId: "tok_1"
            })
            expect(await Effect.runPromise(Errors.inEffect(vercel.effect.tokens, "tok_1"))).toEqual({
              tokenId: "tok_1",
              alreadyDeleted: true
            })
            expect(await Errors.inPromise(vercel, "tok_gone")).toEqual({ tokenId: "tok_gone", alreadyDeleted: true })
            // The 404 rule: without Vercel's error body a 404 is no "no such token", whatever the handler wants.
            server.script.push({ kind: "status", status: 404, body: "<html>Not Found</html>" })
            const bare = await rejection(Errors.inPromise(vercel, "tok_2"))
            expect(bare).toBeInstanceOf(UnexpectedResponse)
            expect(bare).toMatchObject({ reason: "status", status: 404 })
            expect((bare as Error).message).toContain("check baseUrl")
            server.script.push({ kind: "status", status: 429, retryAfter: 120 })
            const limited = await rejection(Errors.inPromise(vercel, "tok_2"))
            expect(limited).toMatchObject({ _tag: "RateLimited", status: 429 })
            expect(warn).toHaveBeenCalledWith("retry at", (limited as { retryAt: Date }).retryAt)
            const exit = await Effect.runPromiseExit(
              Errors.inEffect(vercel.effect.tokens, "tok_2").pipe(Effect.provide(logs.layer))
            )
            expect(exit).toMatchObject({ _tag: "Failure", cause: { error: { _tag: "RateLimited" } } })
            expect(logs.lines).toEqual([`WARN retry at ${(limited as { retryAt: Date }).retryAt.toISOString()}`])
          } finally {
            warn.mockRestore()
          }
        })
    ))

  it("explainCreate explains each failure of create, orphans included", () =>
    withServer(
      { tokens: { [TOKEN]: ["tok_1"] } },
      (server) =>
        withClient({ token: TOKEN, baseUrl: server.url, resilience: fast }, async (vercel) => {
          const explain = (name: string) =>
            vercel.tokens.create({ name }).then(() => "created", (error) => Errors.explainCreate(error))
          expect(await explain("")).toBe("fix `name`: it must be a non-empty string")
          server.script.push({ kind: "reset", when: "after-action", route: "create" })
          const orphaned = await explain("job-1")
          const made = server.requests.find((request) => request.route === "create")!.created!
          expect(orphaned).toBe(`may have created ${made}; revoke them`)
          server.script.push({ kind: "status", status: 403, route: "create" })
          expect(await explain("job-2")).toMatch(/^Creating token "job-2" failed: Vercel answered 403/)
          server.script.push({ kind: "status", status: 429, retryAfter: 120, route: "create" })
          expect(await explain("job-3")).toMatch(/^rate limited until \d{4}-/)
        })
    ))
})

describe("docs/examples/transport.ts", () => {
  const revoke = (tokenId: string) => Effect.flatMap(TokenService.TokenService, (tokens) => tokens.delete(tokenId))

  it("overUndici, overFetch and overPlatformNode each revoke through their transport", () =>
    withServer({ tokens: { [TOKEN]: ["tok_1", "tok_2", "tok_3"] } }, async (server) => {
      const layers = [Transport.overUndici, Transport.overFetch, Transport.overPlatformNode]
      for (const [index, layer] of layers.entries()) {
        const tokenId = `tok_${index + 1}`
        expect(await Effect.runPromise(revoke(tokenId).pipe(Effect.provide(layer(TOKEN, server.url))))).toEqual({
          tokenId
        })
      }
      expect(server.deleted()).toEqual(["tok_1", "tok_2", "tok_3"])
    }))

  it("overFetch follows no redirect: a 307 is an UnexpectedResponse, and the token goes nowhere else", () =>
    withServer({ tokens: { [TOKEN]: ["tok_1"] } }, async (server) => {
      server.script.push({
        kind: "status",
        status: 307,
        headers: { location: `${server.url}/v3/user/tokens/tok_elsewhere` }
      })
      const exit = await Effect.runPromiseExit(
        revoke("tok_1").pipe(Effect.provide(Transport.overFetch(TOKEN, server.url)))
      )
      expect(exit).toMatchObject({
        _tag: "Failure",
        cause: { error: { _tag: "UnexpectedResponse", reason: "status", status: 307 } }
      })
      expect(server.requests.map((request) => request.tokenId)).toEqual(["tok_1"])
    }))
})
