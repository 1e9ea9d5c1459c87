/**
 * The process profiled with `node --cpu-prof`: the sequential Promise-API benchmark alone (a warm-up,
 * then `runs` × `calls` revocations) against the fast server. Arguments: base URL, runs, calls.
 */
import { ourPromise } from "./contenders.js"
import { runSequential } from "./loops.js"

const [baseUrl, runsArg, callsArg] = process.argv.slice(2)

const main = async () => {
  const contender = ourPromise({ baseUrl, token: "bench_profile_bearer" })
  await runSequential(contender, 500)
  let totalMs = 0
  for (let run = 0; run < Number(runsArg); run++) totalMs += (await runSequential(contender, Number(callsArg))).totalMs
  await contender.close()
  process.send?.({ totalMs })
  process.disconnect?.()
}

void main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
