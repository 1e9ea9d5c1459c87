/**
 * Usage and configuration mistakes: each is one line on stderr and exit 2, with nothing sent. Also
 * where the token comes from (VERCEL_TOKEN, --token-file) and that it never shows, and the built-in
 * help and version.
 */
import type { MockVercelServer } from "@vercel-auth/testing"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { run, runAt, startServer, tempFile, TOKEN } from "./support.js"

describe("mistakes: one line on stderr, exit 2, nothing sent", () => {
  let server: MockVercelServer.Server
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(() => server.close())

  const mistakes: ReadonlyArray<{
    readonly name: string
    readonly args: ReadonlyArray<string>
    readonly token?: string | undefined
    /** The command line names its own URL, or none: no `--api-url` of the test server is added. */
    readonly alone?: true
    readonly line: RegExp
  }> = [
    {
      name: "no token",
      args: ["tokens", "list"],
      token: undefined,
      line: /^vercel-auth: no Vercel token: set VERCEL_TOKEN or pass --token-file <path>/
    },
    {
      name: "an empty VERCEL_TOKEN",
      args: ["tokens", "list"],
      token: "",
      line: /^vercel-auth: VERCEL_TOKEN: the Vercel token is missing or empty$/
    },
    {
      name: "a token file that does not exist",
      args: ["tokens", "list", "--token-file", "/nonexistent/token"],
      line: /^vercel-auth: --token-file "\/nonexistent\/token": cannot read it \(no such file\)$/
    },
    {
      name: "a token file that is a directory",
      args: ["tokens", "list", "--token-file", "/tmp"],
      line: /^vercel-auth: --token-file "\/tmp": cannot read it \(not a regular file\)$/
    },
    {
      name: "a bad --api-url",
      args: ["tokens", "list", "--api-url", "ftp://example.com"],
      alone: true,
      line: /^vercel-auth: --api-url must use https/
    },
    {
      name: "an --api-url with a path",
      args: ["tokens", "list", "--api-url", "https://example.com/v1"],
      alone: true,
      line: /^vercel-auth: --api-url /
    },
    {
      name: "a bad duration",
      args: ["tokens", "list", "--unused-for", "90"],
      line:
        /^vercel-auth: --unused-for: "90" is not a duration; use a positive whole number and one unit: 45s, 30m, 12h, 90d or 2w$/
    },
    {
      name: "a fractional duration",
      args: ["tokens", "revoke", "--older-than", "1.5d", "--yes"],
      line: /^vercel-auth: --older-than: "1.5d" is not a duration/
    },
    {
      name: "a zero duration",
      args: ["tokens", "create", "--name", "x", "--expires-in", "0d"],
      line: /^vercel-auth: --expires-in: "0d" is not a duration/
    },
    {
      name: "a word for a duration",
      args: ["tokens", "rotate", "tok_fresh", "--expires-in", "3 days"],
      line: /^vercel-auth: --expires-in: "3 days" is not a duration/
    },
    {
      name: "an unknown flag",
      args: ["tokens", "list", "--leakd"],
      line: /^vercel-auth: Received unknown argument: '--leakd'; see --help$/
    },
    {
      name: "an unknown flag among ids",
      args: ["tokens", "revoke", "--bogus", "tok_fresh"],
      line: /^vercel-auth: unknown option "--bogus"; see --help$/
    },
    {
      name: "a flag missing its value",
      args: ["tokens", "revoke", "--name"],
      alone: true,
      line: /^vercel-auth: --name needs a value; see --help$/
    },
    {
      name: "an unknown command",
      args: ["tokens", "delete", "tok_fresh"],
      line: /^vercel-auth: unknown command "tokens delete"; use one of: list, get, create, revoke, rotate$/
    },
    { name: "an unknown group", args: ["token", "list"], line: /^vercel-auth: unknown command "token"; use: tokens$/ },
    {
      name: "no command",
      args: [],
      alone: true,
      line: /^vercel-auth: missing command: vercel-auth tokens <command>; see --help$/
    },
    {
      name: "no subcommand",
      args: ["tokens"],
      alone: true,
      line: /^vercel-auth: missing command: vercel-auth tokens list \| get \| create \| revoke \| rotate; see --help$/
    },
    {
      name: "a value flag at the end",
      args: ["tokens", "list", "--unused-for"],
      alone: true,
      line: /^vercel-auth: --unused-for needs a value; see --help$/
    },
    {
      name: "a flag given twice",
      args: ["tokens", "list", "--json", "--json"],
      line: /^vercel-auth: --json is given more than once; see --help$/
    },
    {
      name: "an empty name for create (refused before sending)",
      args: ["tokens", "create", "--name", ""],
      line:
        /^vercel-auth: Creating a token was refused: `name` must be a non-empty string\. Nothing was sent to Vercel\.$/
    },
    {
      name: "create without --name",
      args: ["tokens", "create"],
      line: /^vercel-auth: Expected to find option: '--name'; see --help$/
    },
    {
      name: "revoke with nothing to revoke",
      args: ["tokens", "revoke", "--yes"],
      line: /^vercel-auth: nothing to revoke: name token ids/
    },
    { name: "an invalid token id", args: ["tokens", "revoke", ".."], line: /^vercel-auth: "\.\." is not a token id: / },
    { name: "get without an id", args: ["tokens", "get"], line: /^vercel-auth: .*; see --help$/ }
  ]

  for (const mistake of mistakes) {
    it(mistake.name, async () => {
      const before = server.requests.length
      const options = "token" in mistake ? { token: mistake.token } : {}
      const result = await (mistake.alone ? run(mistake.args, options) : runAt(server, mistake.args, options))
      expect(result.code).toBe(2)
      expect(result.stdout).toBe("")
      expect(result.stderr.endsWith("\n")).toBe(true)
      expect(result.stderr.trimEnd().split("\n")).toHaveLength(1)
      expect(result.stderr.trimEnd()).toMatch(mistake.line)
      expect(server.requests.length).toBe(before)
    })
  }

  it("names VERCEL_API_URL when the bad URL came from there", async () => {
    const result = await run(["tokens", "list"], { apiUrl: "http://example.com" })
    expect(result.code).toBe(2)
    expect(result.stderr).toBe(
      "vercel-auth: VERCEL_API_URL \"http://example.com\" uses plain http on a non-loopback host, which would send the token in clear text; use https\n"
    )
  })
})

describe("the token's sources", () => {
  let server: MockVercelServer.Server
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(() => server.close())

  it("reads VERCEL_TOKEN and VERCEL_API_URL", async () => {
    const result = await run(["tokens", "get", "current", "--json"], { apiUrl: server.url })
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({ tokenId: "tok_self" })
  })

  it("reads --token-file, trailing newline trimmed, over VERCEL_TOKEN", async () => {
    const file = tempFile(`${TOKEN}\n`)
    try {
      const result = await runAt(server, ["tokens", "get", "current", "--token-file", file.path], {
        token: "vca_wrong_token"
      })
      expect(result.code).toBe(0)
      expect(result.stdout).toMatch(/^id {12}tok_self /)
    } finally {
      file.remove()
    }
  })

  it("never shows the token, not even in an error about it", async () => {
    const file = tempFile(`${TOKEN} trailing words\n`)
    try {
      // `run` checks every output for the token; a token with whitespace is refused by name only.
      const result = await runAt(server, ["tokens", "list", "--token-file", file.path])
      expect(result.code).toBe(2)
      expect(result.stderr).toMatch(/^vercel-auth: --token-file ".*": the Vercel token contains whitespace\n$/)
    } finally {
      file.remove()
    }
    const refused = await runAt(server, ["tokens", "list"], {
      token: "vca_not_known_to_the_server",
      secrets: ["vca_not_known_to_the_server"]
    })
    expect(refused.code).toBe(1)
    expect(refused.stderr).toMatch(/^vercel-auth: Listing tokens failed: Vercel answered 403/)
  })
})

describe("built-in help and version", () => {
  it("answers --help with exit 0 and no styling when stdout is not a terminal", async () => {
    const result = await run(["--help"], { token: undefined })
    expect(result.code).toBe(0)
    expect(result.stderr).toBe("")
    expect(result.stdout).toContain("vercel-auth 0.1.0")
    expect(result.stdout).toContain("tokens revoke")
    expect(result.stdout).not.toContain("\u001b[")
  })

  it("answers help for each command as @effect/cli renders it", async () => {
    for (const command of ["list", "get", "create", "revoke", "rotate"]) {
      const fast = await run(["tokens", command, "--help"], { token: undefined })
      // With an option before --help the command line is not a bare help request: the full program answers.
      const full = await run(["tokens", command, "--json", "tok_1", "--help"], { token: undefined })
      expect(fast.code).toBe(0)
      expect(fast.stdout).toContain(`$ ${command} `)
      expect(fast.stdout).toBe(full.stdout)
    }
  })

  it("answers --version", async () => {
    const result = await run(["--version"], { token: undefined })
    expect(result).toMatchObject({ code: 0, stderr: "" })
    expect(result.stdout.trim()).toBe("0.1.0")
  })
})
