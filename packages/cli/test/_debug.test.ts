import { it } from "vitest"
import { runAt, startServer, TOKEN } from "./support.js"
it("debug", async () => {
  const server = await startServer({ rateLimit: { limit: 5, windowMs: 1_000 } })
  server.add({ [TOKEN]: Array.from({ length: 12 }, (_, i) => ({ id: `tok_ci_${i}`, name: `ci-runner-${i}` })) })
  const t0 = server.requests.length
  const result = await runAt(server, ["tokens", "revoke", "--name", "ci-runner-*", "--yes", "--json"])
  const start = server.requests[0]!.at
  console.log(server.requests.map((r) => `${r.at - start} ${r.method} ${r.tokenId ?? r.route} ${r.status}`).join("\n"))
  console.log(result.code, t0)
  await server.close()
}, 60_000)
