/**
 * `tokens create` and `tokens rotate` through the real bundle: the new secret alone and once on
 * stdout, the inherited name and lifetime, `current`, and the failure that leaves both tokens live.
 */
import type { MockVercelServer } from "@vercel-auth/testing"
import { afterEach, describe, expect, it } from "vitest"
import { DAY, runAt, startServer } from "./support.js"

let server: MockVercelServer.Server | undefined
const serve = async (options: MockVercelServer.Options = {}) => (server = await startServer(options))
afterEach(async () => {
  await server?.close()
  server = undefined
})

/** The new token's secret: stdout is exactly it and a newline. */
const secretOf = (stdout: string): string => {
  expect(stdout).toMatch(/^\S+\n$/)
  return stdout.trimEnd()
}

const createdId = (server: MockVercelServer.Server): string =>
  server.requests.find((r) => r.created !== undefined)!.created!

describe("tokens create", () => {
  it("prints the new secret once, alone on stdout, and what was made on stderr", async () => {
    const server = await serve()
    const before = Date.now()
    const result = await runAt(server, ["tokens", "create", "--name", "incident-2024-07", "--expires-in", "12h"])
    expect(result.code).toBe(0)
    const secret = secretOf(result.stdout)
    expect(result.stderr).not.toContain(secret)
    const id = createdId(server)
    expect(result.stderr).toMatch(
      new RegExp(`^Created ${id} \\("incident-2024-07", expires \\S+\\)\\. Its secret is on stdout`)
    )
    const record = server.token(id)!
    expect(record.name).toBe("incident-2024-07")
    expect(record.expiresAt! - before).toBeGreaterThanOrEqual(12 * 3_600_000)
    expect(record.expiresAt! - Date.now()).toBeLessThanOrEqual(12 * 3_600_000)
    // The secret works: it reads itself back as `current`.
    const check = await runAt(server, ["tokens", "get", "current", "--json"], { token: secret, secrets: [secret] })
    expect(check.code).toBe(0)
    expect(JSON.parse(check.stdout)).toMatchObject({ tokenId: id, name: "incident-2024-07" })
  })

  it("creates a token that never expires without --expires-in", async () => {
    const server = await serve()
    const result = await runAt(server, ["tokens", "create", "--name", "forever"])
    expect(result.code).toBe(0)
    secretOf(result.stdout)
    expect(server.token(createdId(server))!.expiresAt).toBeUndefined()
    expect(result.stderr).toContain("never expires")
  })

  it("exits 1 with one line when Vercel refuses", async () => {
    const server = await serve()
    server.script.push({ kind: "status", status: 400, route: "create" })
    const result = await runAt(server, ["tokens", "create", "--name", "x"])
    expect(result.code).toBe(1)
    expect(result.stdout).toBe("")
    expect(result.stderr).toMatch(/^vercel-auth: Creating token "x" failed: Vercel answered 400 .*\n$/)
  })
})

describe("tokens rotate", () => {
  it("creates the replacement with the old name and lifetime counted from now, then revokes the old one", async () => {
    const server = await serve()
    const before = Date.now()
    const result = await runAt(server, ["tokens", "rotate", "tok_fresh"])
    expect(result.code).toBe(0)
    const secret = secretOf(result.stdout)
    const id = createdId(server)
    const created = server.token(id)!
    expect(created.name).toBe("ci-build")
    // tok_fresh lived 30 days (created 2 days ago, expiring in 28): the new one gets 30 days from now.
    expect(created.expiresAt! - before).toBeGreaterThanOrEqual(30 * DAY - 1_000)
    expect(created.expiresAt! - Date.now()).toBeLessThanOrEqual(30 * DAY + 1_000)
    expect(server.isLive("tok_fresh")).toBe(false)
    expect(server.isLive(id)).toBe(true)
    // Created first, revoked after.
    const order = server.requests.filter((r) => r.method !== "GET").map((r) => r.method)
    expect(order).toEqual(["POST", "DELETE"])
    expect(result.stderr).toContain(`Created ${id} ("ci-build", expires`)
    expect(result.stderr).toContain("Revoked tok_fresh.\n")
    expect(result.stderr).not.toContain(secret)
  })

  it("takes --name and --expires-in over what it would inherit", async () => {
    const server = await serve()
    const result = await runAt(server, ["tokens", "rotate", "tok_legacy", "--name", "import-v2", "--expires-in", "2w"])
    expect(result.code).toBe(0)
    const created = server.token(createdId(server))!
    expect(created.name).toBe("import-v2")
    expect(created.expiresAt! - Date.now()).toBeLessThanOrEqual(14 * DAY)
    expect(created.expiresAt! - Date.now()).toBeGreaterThan(14 * DAY - 60_000)
    expect(server.isLive("tok_legacy")).toBe(false)
  })

  it("keeps no expiry for a token that had none", async () => {
    const server = await serve()
    const result = await runAt(server, ["tokens", "rotate", "tok_legacy"])
    expect(result.code).toBe(0)
    expect(server.token(createdId(server))!.expiresAt).toBeUndefined()
  })

  it("rotates `current`: the new secret works and the old one is revoked", async () => {
    const server = await serve()
    const result = await runAt(server, ["tokens", "rotate", "current"])
    expect(result.code).toBe(0)
    const secret = secretOf(result.stdout)
    expect(server.isLive("tok_self")).toBe(false)
    expect(server.token(createdId(server))!.name).toBe("responder-laptop")
    const check = await runAt(server, ["tokens", "get", "current", "--json"], { token: secret, secrets: [secret] })
    expect(JSON.parse(check.stdout)).toMatchObject({ tokenId: createdId(server) })
  })

  it("exits 1 and says both tokens are live when the old token cannot be revoked", async () => {
    const server = await serve()
    server.script.push({ kind: "status", status: 500, route: "delete", times: Infinity })
    const result = await runAt(server, ["tokens", "rotate", "tok_fresh"])
    expect(result.code).toBe(1)
    // The new secret was printed before the revocation was tried, so it is not lost.
    const secret = secretOf(result.stdout)
    const id = createdId(server)
    expect(server.isLive(id)).toBe(true)
    expect(server.isLive("tok_fresh")).toBe(true)
    const last = result.stderr.trimEnd().split("\n").at(-1)!
    expect(last).toMatch(/^vercel-auth: both tokens are live: /)
    expect(last).toContain(`the new token ${id} was created`)
    expect(last).toContain("revoking the old token tok_fresh failed")
    expect(result.stderr).not.toContain(secret)
  })

  it("revokes nothing and creates nothing when the old token cannot be read", async () => {
    const server = await serve()
    const result = await runAt(server, ["tokens", "rotate", "tok_nope"])
    expect(result.code).toBe(1)
    expect(result.stdout).toBe("")
    expect(server.requests.map((r) => r.method)).toEqual(["GET"])
  })
})
