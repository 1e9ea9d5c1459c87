/**
 * docs/token-group.md: every ts block is copied verbatim from docs/examples/token-group.ts (and every
 * example section is shown), and the examples work against MockVercelServer, seeded with token records
 * (a leaked one among them) and an SSO integration.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "@effect/vitest"
import { createVercelAuth, TokenService, VercelAuthNode } from "@vercel-auth/adapter"
import type { MockVercelServer } from "@vercel-auth/testing"
import { Effect, Logger, Option, Redacted } from "effect"
import { readFileSync } from "node:fs"
import * as TokenGroup from "../../../docs/examples/token-group.js"
import { expectNoUnhandledRejections, fast, rejection, TOKEN, withClient, withServer } from "./support.js"

expectNoUnhandledRejections()

const read = (path: string) => readFileSync(new URL(`../../../docs/${path}`, import.meta.url), "utf8")
const codeBlocks = (markdown: string) => [...markdown.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1]!)
const sections = (example: string) =>
  [...example.matchAll(/\/\/ --- [\w-]+: ([\w-]+)\n([\s\S]*?)\/\/ --- end\n/g)].map((match) => match[2]!)

const MINUTE = 60_000
const T0 = Date.now()

/** The calling token, leaked too: the examples leave it alone. */
const self: MockVercelServer.TokenSeed = { id: "tok_self", name: "incident-bot", leakedAt: T0 - 2 * MINUTE }
const records: ReadonlyArray<MockVercelServer.TokenSeed> = [
  { id: "tok_laptop", name: "laptop", createdAt: T0 - 10 * MINUTE, activeAt: T0 - 5 * MINUTE },
  {
    id: "tok_leaked",
    name: "ci deploy",
    createdAt: T0 - 30 * MINUTE,
    activeAt: T0 - 20 * MINUTE,
    expiresAt: T0 + 30 * 24 * 60 * MINUTE,
    leakedAt: T0 - 5 * MINUTE,
    leakedUrl: "https://github.com/acme/app/blob/main/.env",
    origin: "github",
    scopes: [{ type: "team", teamId: "team_acme", createdAt: T0 - 30 * MINUTE }]
  },
  { id: "tok_preview", name: "preview bot", createdAt: T0 - 40 * MINUTE, activeAt: T0 - 40 * MINUTE },
  { id: "tok_old_leak", name: "old script", createdAt: T0 - 50 * MINUTE, activeAt: T0 - 50 * MINUTE, leakedAt: T0 }
]
const sso = { clients: { oac_acme: "acme-client-secret" }, codes: ["code_1", "code_2"] }
const seeded: MockVercelServer.Options = {
  tokens: { [TOKEN]: records },
  selfIds: { [TOKEN]: self },
  sso,
  pagination: { pageSize: 2 }
}

const routes = (server: MockVercelServer.Server, route: MockVercelServer.Route) =>
  server.requests.filter((request) => request.route === route)

describe("docs/token-group.md", () => {
  it("shows code blocks copied verbatim from its example, and all of them", () => {
    const blocks = codeBlocks(read("token-group.md"))
    const example = read("examples/token-group.ts")
    expect(blocks.length).toBeGreaterThan(5)
    for (const block of blocks) expect(example, `not in docs/examples/token-group.ts:\n${block}`).toContain(block)
    for (const section of sections(example)) expect(blocks, "not shown in docs/token-group.md").toContain(section)
  })
})

describe("docs/examples/token-group.ts, Promise API", () => {
  const client = (server: MockVercelServer.Server) => ({ token: TOKEN, baseUrl: server.url, resilience: fast })

  it("findLeaked lists every page and keeps the leaked tokens, with their fields as Dates", () =>
    withServer(seeded, (server) =>
      withClient(client(server), async (vercel) => {
        const leaked = await TokenGroup.findLeaked(vercel)
        expect(leaked.map((token) => token.id)).toEqual(["tok_self", "tok_leaked", "tok_old_leak"])
        const ci = leaked[1]!
        expect(ci).toMatchObject({
          name: "ci deploy",
          type: "oauth2-token",
          origin: "github",
          leakedUrl: "https://github.com/acme/app/blob/main/.env"
        })
        expect(ci.leakedAt).toEqual(new Date(T0 - 5 * MINUTE))
        expect(ci.expiresAt).toEqual(new Date(T0 + 30 * 24 * 60 * MINUTE))
        expect(ci.scopes).toEqual([{ type: "team", teamId: "team_acme", createdAt: new Date(T0 - 30 * MINUTE) }])
        expect(routes(server, "list").map((request) => new URL(request.path, server.url).searchParams.get("limit")))
          .toEqual(["100"])
      })))

  it("newest stops paging when the loop is left", () =>
    withServer(seeded, (server) =>
      withClient(client(server), async (vercel) => {
        const tokens = await TokenGroup.newest(vercel, 2)
        expect(tokens.map((token) => token.id)).toEqual(["tok_self", "tok_laptop"])
        expect(routes(server, "list")).toHaveLength(1)
        const three = await TokenGroup.newest(vercel, 3)
        expect(three.map((token) => token.id)).toEqual(["tok_self", "tok_laptop", "tok_leaked"])
        expect(routes(server, "list")).toHaveLength(3)
      })))

  it("describeCurrent reads `current`", () =>
    withServer(seeded, (server) =>
      withClient(client(server), async (vercel) => {
        expect(await TokenGroup.describeCurrent(vercel)).toMatch(
          /^incident-bot \(tok_self\), created \d{4}-\d\d-\d\dT[\d:.]+Z, never expires$/
        )
        expect(routes(server, "get").map((request) => request.tokenId)).toEqual(["current"])
      })))

  it("revokeLeaked revokes the leaked tokens but its own, and returns the failures without rejecting", () =>
    withServer(seeded, (server) =>
      withClient(client(server), async (vercel) => {
        server.script.push({ kind: "status", status: 403, route: "delete", tokenId: "tok_old_leak" })
        const lines: Array<string> = []
        const failed = await TokenGroup.revokeLeaked(vercel, (line) => lines.push(line))
        expect(failed.map((result) => [result.tokenId, result.error._tag])).toEqual([["tok_old_leak", "Forbidden"]])
        expect(server.deleted()).toEqual(["tok_leaked"])
        expect(server.isLive("tok_self")).toBe(true)
        expect(lines).toContain("revoked tok_leaked")
        expect(lines.find((line) => line.startsWith("Revoking token \"tok_old_leak\" failed: Vercel answered 403")))
          .toBeDefined()
      })))

  it("createForJob creates a token that expires in an hour; its secret is Redacted and works as a bearer", () =>
    withServer(seeded, (server) =>
      withClient(client(server), async (vercel) => {
        const log = vi.spyOn(console, "log").mockImplementation(() => undefined)
        try {
          const { secret, tokenId } = await TokenGroup.createForJob(vercel, "1234")
          expect(Redacted.isRedacted(secret)).toBe(true)
          expect(String(secret)).toBe("<redacted>")
          expect(JSON.stringify({ secret })).toBe("{\"secret\":\"<redacted>\"}")
          expect(log.mock.calls).toEqual([[`created ${tokenId}, secret <redacted>`]])
          const record = server.token(tokenId)!
          expect(record.name).toBe("ci-job-1234")
          expect(record.expiresAt! - record.createdAt).toBeGreaterThan(59 * MINUTE)
          expect(record.expiresAt! - record.createdAt).toBeLessThanOrEqual(60 * MINUTE)
          // eslint-disable-next-line no-restricted-syntax -- the test proves the new secret works as a bearer
          await withClient({ token: Redacted.value(secret), baseUrl: server.url }, async (job) => {
            expect((await job.tokens.get("current")).id).toBe(tokenId)
          })
        } finally {
          log.mockRestore()
        }
      })))

  it("createOrCleanUp revokes the token an ambiguous create made, then rethrows", () =>
    withServer(seeded, (server) =>
      withClient(client(server), async (vercel) => {
        const log = vi.spyOn(console, "log").mockImplementation(() => undefined)
        try {
          server.script.push({ kind: "reset", when: "after-action", route: "create" })
          const error = await rejection(TokenGroup.createOrCleanUp(vercel, "77"))
          expect(error).toMatchObject({ _tag: "NetworkError", operation: "create", ambiguous: true, attempts: 1 })
          const made = routes(server, "create")[0]!.created!
          expect(made).toBeDefined()
          expect((error as { possibleOrphans?: ReadonlyArray<string> }).possibleOrphans).toEqual([made])
          expect((error as Error).message).toContain(made)
          expect(server.isLive(made)).toBe(false)
          expect(routes(server, "create")).toHaveLength(1)
          const created = await TokenGroup.createOrCleanUp(vercel, "78")
          expect(server.isLive(created.tokenId)).toBe(true)
        } finally {
          log.mockRestore()
        }
      })))

  describe("without a token", () => {
    const saved = process.env.VERCEL_TOKEN
    beforeEach(() => {
      delete process.env.VERCEL_TOKEN
    })
    afterEach(() => {
      if (saved !== undefined) process.env.VERCEL_TOKEN = saved
    })

    it("ssoClient exchanges a code, sending no bearer; its token operations reject, sending nothing", () =>
      withServer(seeded, async (server) => {
        const vercel = TokenGroup.ssoClient(server.url)
        try {
          const client = { id: "oac_acme", secret: Redacted.make("acme-client-secret") }
          const tokens = await TokenGroup.exchangeCode(vercel, "code_1", client)
          expect(Redacted.isRedacted(tokens.idToken)).toBe(true)
          expect(Redacted.isRedacted(tokens.refreshToken!)).toBe(true)
          expect(tokens.expiresIn).toBe(3600)
          expect(server.ssoCodeUsed("code_1")).toBe(true)
          expect(server.requests.map(({ clientId, hasAuth, route }) => ({ clientId, hasAuth, route }))).toEqual([
            { clientId: "oac_acme", hasAuth: false, route: "sso" }
          ])
          const refused = await rejection(TokenGroup.describeCurrent(vercel))
          expect((refused as Error).message).toMatch(/`token` option.*VERCEL_TOKEN/)
          const reused = await rejection(TokenGroup.exchangeCode(vercel, "code_1", client))
          expect(reused).toMatchObject({ _tag: "BadRequest", operation: "sso-exchange", code: "invalid_grant" })
          expect(server.requests).toHaveLength(2)
        } finally {
          await vercel.dispose()
        }
      }))
  })
})

describe("docs/examples/token-group.ts, Effect API", () => {
  const run = <A, E>(server: MockVercelServer.Server, effect: Effect.Effect<A, E, VercelAuthNode.Services>) =>
    Effect.runPromise(
      effect.pipe(Effect.provide(VercelAuthNode.layer({ token: TOKEN, baseUrl: server.url, resilience: fast })))
    )

  it("leakedIds and revokeAllLeaked revoke every leaked token but the caller's own", () =>
    withServer(seeded, async (server) => {
      expect(await run(server, TokenGroup.leakedIds)).toEqual(["tok_self", "tok_leaked", "tok_old_leak"])
      const lines: Array<string> = []
      const logger = Logger.make(({ message }) => {
        lines.push(Array.isArray(message) ? message.join(" ") : String(message))
      })
      const results = await run(
        server,
        TokenGroup.revokeAllLeaked.pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
      )
      expect(lines.sort()).toEqual(["revoked tok_leaked", "revoked tok_old_leak"])
      expect(results.map((result) => [result.tokenId, result.ok]).sort()).toEqual([
        ["tok_leaked", true],
        ["tok_old_leak", true]
      ])
      expect([...server.deleted()].sort()).toEqual(["tok_leaked", "tok_old_leak"])
      expect(server.isLive("tok_self")).toBe(true)
    }))

  it("shortLived creates a token and logs its secret as <redacted>", () =>
    withServer(seeded, async (server) => {
      const lines: Array<string> = []
      const logger = Logger.map(Logger.logfmtLogger, (line) => {
        lines.push(line)
      })
      const created = await run(
        server,
        TokenGroup.shortLived("deploy preview").pipe(Effect.provide(Logger.replace(Logger.defaultLogger, logger)))
      )
      expect(server.token(created.token.id)?.name).toBe("deploy preview")
      expect(created.token.expiresAt!.getTime() - created.token.createdAt.getTime()).toBeGreaterThan(59 * MINUTE)
      expect(lines).toHaveLength(1)
      expect(lines[0]).toContain(`tokenId=${created.token.id}`)
      expect(lines[0]).toMatch(/ secret=\S*<redacted>/)
      // eslint-disable-next-line no-restricted-syntax -- the test checks that this very secret is not logged
      expect(lines[0]).not.toContain(Redacted.value(created.bearerToken))
    }))

  it("signIn over ssoLayer: Some tokens for a fresh code, None for a used one", () =>
    withServer(seeded, async (server) => {
      const secret = Redacted.make("acme-client-secret")
      const [first, again] = await Effect.runPromise(
        Effect.all([
          TokenGroup.signIn("code_2", "oac_acme", secret),
          TokenGroup.signIn("code_2", "oac_acme", secret)
        ]).pipe(Effect.provide(TokenGroup.ssoLayer(server.url)))
      )
      expect(Option.isSome(first) && Redacted.isRedacted(first.value.idToken)).toBe(true)
      expect(again).toEqual(Option.none())
      expect(server.requests.every((request) => request.route === "sso" && !request.hasAuth)).toBe(true)
      expect(server.requests).toHaveLength(2)
    }))
})

it("(control) a client with a token gets the same records through both APIs", () =>
  withServer(seeded, async (server) => {
    const vercel = createVercelAuth({ token: TOKEN, baseUrl: server.url })
    try {
      const viaPromise = await TokenGroup.findLeaked(vercel)
      const viaEffect = await Effect.runPromise(
        TokenGroup.leakedIds.pipe(Effect.provideService(TokenService.TokenService, vercel.effect.tokens))
      )
      expect(viaEffect).toEqual(viaPromise.map((token) => token.id))
    } finally {
      await vercel.dispose()
    }
  }))
