import type { AuthToken } from "@vercel-auth/adapter"
import * as TokenFilter from "@vercel-auth/cli/TokenFilter"
import { describe, expect, it } from "vitest"

const none: TokenFilter.TokenFilter = {
  leaked: false,
  expired: false,
  unusedForMs: undefined,
  olderThanMs: undefined,
  name: undefined
}

const token = (fields: Partial<AuthToken>): AuthToken => ({
  id: "tok",
  name: "name",
  type: "oauth2-token",
  createdAt: new Date(0),
  activeAt: new Date(0),
  ...fields
})

describe("TokenFilter.globToRegExp", () => {
  it("has * and ? as its only special characters, matching the whole name", () => {
    const matches = (glob: string, name: string) => TokenFilter.globToRegExp(glob).test(name)
    expect(matches("ci-*", "ci-deploy")).toBe(true)
    expect(matches("ci-*", "my-ci-deploy")).toBe(false)
    expect(matches("*", "")).toBe(true)
    expect(matches("a?c", "abc")).toBe(true)
    expect(matches("a?c", "ac")).toBe(false)
    expect(matches("a.c", "abc")).toBe(false)
    expect(matches("(x)[y]{2}+|$^\\", "(x)[y]{2}+|$^\\")).toBe(true)
    expect(matches("*bot*", "line\nbot")).toBe(true)
    expect(matches("é?", "é😀")).toBe(true)
  })
})

describe("TokenFilter.matches", () => {
  const now = 1_000_000_000_000

  it("selects everything without filters, and isActive says so", () => {
    expect(TokenFilter.isActive(none)).toBe(false)
    expect(TokenFilter.matches(none, now)(token({}))).toBe(true)
  })

  it("--expired: an expiry at or before now", () => {
    const expired = TokenFilter.matches({ ...none, expired: true }, now)
    expect(expired(token({ expiresAt: new Date(now - 1) }))).toBe(true)
    expect(expired(token({ expiresAt: new Date(now) }))).toBe(true)
    expect(expired(token({ expiresAt: new Date(now + 1) }))).toBe(false)
    expect(expired(token({}))).toBe(false)
  })

  it("--unused-for and --older-than: strictly before now minus the duration", () => {
    const unused = TokenFilter.matches({ ...none, unusedForMs: 1_000 }, now)
    expect(unused(token({ activeAt: new Date(now - 1_001) }))).toBe(true)
    expect(unused(token({ activeAt: new Date(now - 1_000) }))).toBe(false)
    const older = TokenFilter.matches({ ...none, olderThanMs: 1_000 }, now)
    expect(older(token({ createdAt: new Date(now - 1_001), activeAt: new Date(now) }))).toBe(true)
    expect(older(token({ createdAt: new Date(now) }))).toBe(false)
  })

  it("combines with AND", () => {
    const both = TokenFilter.matches({ ...none, leaked: true, name: "ci-*" }, now)
    expect(both(token({ name: "ci-x", leakedAt: new Date(now) }))).toBe(true)
    expect(both(token({ name: "ci-x" }))).toBe(false)
    expect(both(token({ name: "x", leakedAt: new Date(now) }))).toBe(false)
  })
})
