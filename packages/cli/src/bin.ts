/**
 * The `vercel-auth` executable: runs `Cli.run` on Node and exits with its code (130 after Ctrl-C).
 * Bundled with everything it imports into `dist/vercel-auth.mjs` by `scripts/bundle.mjs`.
 *
 * @since 0.1.0
 */
import * as NodeContext from "@effect/platform-node/NodeContext"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Cli from "./Cli.js"
import * as Io from "./Io.js"

// A closed pipe (`vercel-auth tokens list | head -1`) is the reader's choice, not a crash.
for (const stream of [process.stdout, process.stderr]) {
  stream.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error
  })
}

Cli.run(process.argv).pipe(
  Effect.tap((code) => Effect.sync(() => void (process.exitCode = code))),
  Effect.provide(Layer.merge(NodeContext.layer, Io.layer)),
  NodeRuntime.runMain({
    disableErrorReporting: true,
    // With exit code 0 the process ends by itself once every socket is closed, so stdout is flushed.
    teardown: (exit, onExit) =>
      onExit(Exit.isSuccess(exit) ? 0 : Cause.isInterruptedOnly(exit.cause) ? 130 : 1)
  })
)
