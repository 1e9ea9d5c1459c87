/**
 * A minimal Vercel-shaped server for the per-call and memory benchmarks: every
 * `DELETE /v3/user/tokens/{tokenId}` with a bearer succeeds with `{ tokenId }`, so any number of
 * revocations can be made without seeding ids, and the server spends as little time as possible
 * per request: the client is what is measured. It sends the headers Vercel sends (`Date`,
 * `x-vercel-id`, `X-RateLimit-*` with a limit that is never reached), because parsing them is part of
 * a real client's per-call cost. `MockVercelServer` is the faithful one; it needs every id seeded and
 * records every request, which is right for tests and wrong for 100 000 calls.
 */
import * as Http from "node:http"

const prefix = "/v3/user/tokens/"

export const createFastServer = (): Http.Server => {
  let seq = 0
  // The Date header and reset only change once a second; building them per request would be server cost.
  let second = 0
  let date = ""
  let reset = ""
  const server = Http.createServer((req, res) => {
    req.resume()
    const now = Date.now()
    const s = Math.floor(now / 1000)
    if (s !== second) {
      second = s
      date = new Date(now).toUTCString()
      reset = String(s + 60)
    }
    const url = req.url ?? "/"
    const headers: Http.OutgoingHttpHeaders = {
      "content-type": "application/json; charset=utf-8",
      date,
      "x-vercel-id": `bench::${++seq}`,
      "x-ratelimit-limit": "1000000000",
      "x-ratelimit-remaining": "999999999",
      "x-ratelimit-reset": reset
    }
    let status = 200
    let body: string
    if (req.method !== "DELETE" || !url.startsWith(prefix) || url.length === prefix.length) {
      status = 404
      body = "{\"error\":{\"code\":\"not_found\",\"message\":\"The requested path was not found\"}}"
    } else if (!req.headers.authorization?.startsWith("Bearer ")) {
      status = 401
      body = "{\"error\":{\"code\":\"unauthorized\",\"message\":\"Missing Authorization header\"}}"
    } else {
      body = JSON.stringify({ tokenId: decodeURIComponent(url.slice(prefix.length)) })
    }
    headers["content-length"] = Buffer.byteLength(body)
    res.writeHead(status, headers)
    res.end(body)
  })
  // The contenders take turns; a connection idle while the others run must still be there after.
  server.keepAliveTimeout = 600_000
  server.headersTimeout = 610_000
  return server
}
