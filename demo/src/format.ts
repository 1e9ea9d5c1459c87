/**
 * How values, errors and what the server saw are written in the demo's lines.
 */
import type { DeletedToken } from "@vercel-auth/adapter"
import type { MockVercelServer } from "@vercel-auth/testing"

export const formatDeleted = (deleted: DeletedToken): string =>
  deleted.alreadyDeleted === true
    ? `{ tokenId: "${deleted.tokenId}", alreadyDeleted: true }`
    : `{ tokenId: "${deleted.tokenId}" }`

/** What one request came to, on the server's side. */
const fate = (request: MockVercelServer.RecordedRequest): string => {
  if (request.status !== undefined) return String(request.status)
  if (request.action === "reset") return request.deleted === undefined ? "reset" : "deleted, then reset"
  if (request.aborted) return "closed by the client"
  return "no answer"
}

/** In order when there are a few, counted when there are many (a storm). */
export const formatRequests = (requests: ReadonlyArray<MockVercelServer.RecordedRequest>): string => {
  if (requests.length === 0) return "no request"
  if (requests.length <= 4) return requests.map(fate).join(", ")
  const counts = new Map<string, number>()
  for (const request of requests) counts.set(fate(request), (counts.get(fate(request)) ?? 0) + 1)
  return [...counts].map(([what, n]) => `${n} × ${what}`).join(", ")
}

/** An error's name and message, for rows where something else was expected. */
export const describeUnknown = (error: unknown): string => {
  if (typeof error === "object" && error !== null && "_tag" in error) return String(error._tag)
  if (error instanceof Error) return error.name
  return String(error)
}

/** Breaks `text` at spaces into lines of at most `width` characters (a longer word stays whole). */
export const wrap = (text: string, width: number): ReadonlyArray<string> => {
  const lines: Array<string> = []
  let current = ""
  for (const word of text.split(" ")) {
    if (current !== "" && current.length + 1 + word.length > width) {
      lines.push(current)
      current = word
    } else {
      current = current === "" ? word : `${current} ${word}`
    }
  }
  return [...lines, current]
}
