/**
 * The program behind `vercel-auth`: runs `Cli.run` on Node and exits with its code (130 after
 * Ctrl-C). `bin.ts` loads it unless the command line only asks for help or the version.
 *
 * @since 0.1.0
 */
import * as NodeFileSystem from "@effect/platform-node/NodeFileSystem"
import * as NodePath from "@effect/platform-node/NodePath"
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeTerminal from "@effect/platform-node/NodeTerminal"
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
  // What @effect/cli needs (CliApp.Environment), rather than all of NodeContext: its command executor
  // and worker support would only be loaded, never used.
  Effect.provide(Layer.mergeAll(NodeFileSystem.layer, NodePath.layer, NodeTerminal.layer, Io.layer)),
  NodeRuntime.runMain({
    disableErrorReporting: true,
    // With exit code 0 the process ends by itself once every socket is closed, so stdout is flushed.
    teardown: (exit, onExit) => onExit(Exit.isSuccess(exit) ? 0 : Cause.isInterruptedOnly(exit.cause) ? 130 : 1)
  })
)
