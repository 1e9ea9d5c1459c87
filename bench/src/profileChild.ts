/**
 * The process profiled: the sequential Promise-API benchmark alone against the fast server. After a
 * warm-up (imports and JIT out of the way), V8's sampling profiler runs through the inspector only
 * around the measured `runs` × `calls` revocations, and the profile is written to `file`.
 * Arguments: base URL, runs, calls, file.
 */
import { writeFileSync } from "node:fs"
import { Session } from "node:inspector/promises"
import { ourPromise } from "./contenders.js"
import { runSequential } from "./loops.js"

const [baseUrl, runsArg, callsArg, file] = process.argv.slice(2)

const main = async () => {
  const contender = ourPromise({ baseUrl, token: "bench_profile_bearer" })
  await runSequential(contender, 500)
  const session = new Session()
  session.connect()
  await session.post("Profiler.enable")
  await session.post("Profiler.start")
  let totalMs = 0
  for (let run = 0; run < Number(runsArg); run++) totalMs += (await runSequential(contender, Number(callsArg))).totalMs
  const { profile } = await session.post("Profiler.stop")
  session.disconnect()
  writeFileSync(file, JSON.stringify(profile))
  await contender.close()
  process.send?.({ totalMs })
  process.disconnect?.()
}

void main().catch((error: unknown) => {
  console.error(error)
  process.exit(1)
})
