/**
 * What the profile and the per-call tables say. Every number is taken from this run's results; the
 * history names the commits that earlier runs of this benchmark led to.
 */
import { defaults } from "@vercel-auth/core/Resilience"
import { medianOf } from "./headline.js"
import { percent, us } from "./markdown.js"
import type { PerCallResult } from "./perCall.js"
import type { ProfileResult } from "./profileSummary.js"

const share = (profile: ProfileResult, names: ReadonlyArray<string>): number =>
  profile.byPackage.filter(([name]) => names.includes(name)).reduce((sum, [, t]) => sum + t, 0) / profile.busyMs

export const profileNotes = (profile: ProfileResult, perCall: PerCallResult | undefined): string => {
  const effect = share(profile, ["effect", "@effect/platform", "@effect/platform-node"])
  const http = share(profile, ["undici", "llhttp (undici's HTTP parser, wasm)"])
  const gc = share(profile, ["(garbage collector)"])
  const ours = share(profile, ["@vercel-auth/core", "@vercel-auth/adapter"])
  const lines = [
    "### What it says",
    "",
    `- \`effect\` and \`@effect/platform(-node)\` hold ${percent(effect)} of the CPU time sampled, the HTTP work ` +
    `(undici and its parser) ${percent(http)}, the garbage collector ${percent(gc)}, our own code ` +
    `(\`@vercel-auth/core\`, the adapter) ${percent(ours)} in self time.`
  ]
  if (perCall !== undefined) {
    const seq = perCall.sequential
    const promise = medianOf(seq, "promise")
    const undici = medianOf(seq, "undici")
    const bare = medianOf(seq, "bare-http")
    const n = perCall.settings.concurrency
    lines.push(
      `- Sequentially our Promise API costs ${us(promise - undici)} µs per call more than \`undici.request\` by ` +
        `hand, the transport underneath it; the bare Effect \`HttpClient\` (no policy, platform tracer off, ` +
        `\`Effect.runPromise\` per call) costs ${us(bare - undici)} µs more than it.`,
      `- At concurrency ${n} the default client takes ${us(medianOf(perCall.concurrent, "promise"))} µs per call, ` +
        `and ${us(medianOf(perCall.concurrent, "promise-tuned"))} µs with \`maxConcurrent: ${n}\`: with the ` +
        `default cap of ${defaults.maxConcurrent}, ${n - defaults.maxConcurrent} of the callers wait in the ` +
        "client's queue at any moment."
    )
  }
  lines.push(
    "",
    "### History",
    "",
    "Earlier runs of this benchmark led to two changes in `packages/core`: a FIFO concurrency limiter that " +
      "hands each released permit to the next caller, instead of Effect 3's `Semaphore`, which woke every " +
      "waiter on each release (commit cf0d463); and spans made without stack traces, response headers read " +
      "once, error bodies decoded only for errors (commit 5d17df2). The engine has been rewritten since " +
      "(`packages/core/src/internal/engine/`); the tables above are of the current one."
  )
  return lines.join("\n")
}
