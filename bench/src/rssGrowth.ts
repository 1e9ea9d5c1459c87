/**
 * Runs the memory benchmark in fresh processes against the fast server.
 */
import { startChild } from "./childProcess.js"
import type { RssReport } from "./rssChild.js"

export interface RssRun extends RssReport {
  readonly label: string
}

export const rssSubjects = [
  { key: "promise", label: "vercel-auth, Promise API" },
  { key: "sdk", label: "`@vercel/sdk` standalone function" }
] as const

export const measureRss = async (
  baseUrl: string,
  key: string,
  label: string,
  count: number,
  every: number
): Promise<RssRun> => {
  const child = startChild<RssReport>(
    "rssChild.js",
    [baseUrl, key, String(count), String(every)],
    ["--expose-gc"],
    150_000
  )
  try {
    return { label, ...(await child.message) }
  } finally {
    await child.stop()
  }
}
