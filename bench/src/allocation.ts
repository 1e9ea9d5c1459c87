/**
 * Runs the allocation measurement (`allocChild.ts`) in a fresh process against the fast server.
 */
import type { AllocationReport } from "./allocChild.js"
import { startChild } from "./childProcess.js"

export interface AllocationSettings {
  readonly callsPerRound: number
  readonly rounds: number
}

export const allocationSettings: AllocationSettings = { callsPerRound: 200, rounds: 5 }
export const allocationQuick: AllocationSettings = { callsPerRound: 50, rounds: 2 }

export const measureAllocation = async (baseUrl: string, settings: AllocationSettings): Promise<AllocationReport> => {
  const child = startChild<AllocationReport>(
    "allocChild.js",
    [baseUrl, String(settings.callsPerRound), String(settings.rounds)],
    ["--expose-gc", "--min-semi-space-size=64", "--max-semi-space-size=64"],
    120_000
  )
  try {
    return await child.message
  } finally {
    await child.stop()
  }
}
