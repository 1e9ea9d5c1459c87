/**
 * Item 5 of the hardening issue through the Promise API and a real transport: a server (or a proxy)
 * that echoes the Authorization header back, in the body, `error.code`, `error.message` and
 * `x-vercel-id`, gets none of it into the rejection.
 */
import { describe, expect, it } from "@effect/vitest"
import { createVercelAuth, Forbidden, UnexpectedResponse } from "@vercel-auth/adapter"
import type { IncomingMessage, ServerResponse } from "node:http"
import { expectNoSecret, pick, TOKEN, withRawServer } from "./hardening.support.js"
import { expectNoUnhandledRejections, rejection } from "./support.js"

expectNoUnhandledRejections()

const bearerOf = (req: IncomingMessage) => (req.headers.authorization ?? "").replace(/^Bearer /, "")

/** A 403 in Vercel's shape whose every field echoes the caller's bearer token. */
const echo403 = (req: IncomingMessage, res: ServerResponse) => {
  req.resume()
  const token = bearerOf(req)
  res.writeHead(403, { "content-type": "application/json", "x-vercel-id": `fra1::${token}` }).end(
    JSON.stringify({ error: { code: token, message: `Authorization: Bearer&nbsp;${token} may not do this` } })
  )
}

/** A proxy's HTML page quoting the request it refused. */
const echoProxy = (req: IncomingMessage, res: ServerResponse) => {
  req.resume()
  res.writeHead(200, { "content-type": "text/html" }).end(
    `<html><body><p>Refused credential ${bearerOf(req)}</p><pre>DELETE ${req.url}</pre></body></html>`
  )
}

describe("an echoed token never reaches a rejection", () => {
  it("a 403 echoing the token in error.code, error.message and x-vercel-id: Forbidden, token-free", () =>
    withRawServer(echo403, async (server) => {
      const vercel = createVercelAuth({ token: TOKEN, baseUrl: server.url })
      try {
        const error = await rejection(vercel.tokens.delete("tok_1"))
        expect(error).toBeInstanceOf(Forbidden)
        expect(pick(error, "_tag", "status", "attempts")).toEqual({ _tag: "Forbidden", status: 403, attempts: 1 })
        expectNoSecret(error)
      } finally {
        await vercel.dispose()
      }
      expect(server.seen).toHaveLength(1)
    }))

  it("a 200 HTML page quoting the refused credential: UnexpectedResponse, token-free", () =>
    withRawServer(echoProxy, async (server) => {
      const vercel = createVercelAuth({ token: TOKEN, baseUrl: server.url })
      try {
        const error = await rejection(vercel.tokens.delete("tok_1"))
        expect(error).toBeInstanceOf(UnexpectedResponse)
        expect(pick(error, "_tag", "status", "attempts")).toEqual({
          _tag: "UnexpectedResponse",
          status: 200,
          attempts: 1
        })
        expectNoSecret(error)
      } finally {
        await vercel.dispose()
      }
    }))
})
