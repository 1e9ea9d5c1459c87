/**
 * Progress of a bulk revocation, on stderr: a bar that rewrites its line when stderr is a terminal,
 * otherwise one line per token (a log that survives a killed process, as CI keeps it).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import type { Service as Io } from "./Io.js"
import { sanitize } from "./Io.js"
import type { OutcomeRecord } from "./Records.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Progress {
  readonly step: (record: OutcomeRecord) => Effect.Effect<void>
  /** Clears the bar; a no-op for line output. */
  readonly done: Effect.Effect<void>
}

const width = 24

/**
 * @since 0.1.0
 * @category constructors
 */
export const make = (io: Io, total: number): Progress => {
  let count = 0
  let failed = 0
  if (!io.stderrIsTTY) {
    return {
      step: (record) =>
        Effect.suspend(() => {
          count++
          return io.err(`[${count}/${total}] ${sanitize(record.tokenId)} ${record.outcome}${
            record.error === undefined
              ? ""
              : ` (${record.error}${record.status === undefined ? "" : ` ${record.status}`})`
          }`)
        }),
      done: Effect.void
    }
  }
  const bar = () => {
    const filled = total === 0 ? width : Math.round((count / total) * width)
    return `\r\u001b[2Krevoking [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${count}/${total}${
      failed === 0 ? "" : `, ${failed} failed`
    }`
  }
  return {
    step: (record) =>
      Effect.suspend(() => {
        count++
        if (record.outcome === "failed") failed++
        return io.errRaw(bar())
      }),
    done: io.errRaw("\r\u001b[2K")
  }
}
