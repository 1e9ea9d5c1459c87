/**
 * Results of a bulk revocation arrive in completion order; the Promise API hands them back in the
 * order of the ids given, the same id given twice included.
 */
import type { DeleteResult } from "@vercel-auth/core/Schemas"

export const inputOrder = (ids: ReadonlyArray<string>) => {
  const slots: Array<DeleteResult | undefined> = ids.map(() => undefined)
  // For each id, the positions still waiting for a result, first given first.
  const waiting = new Map<string, Array<number>>()
  ids.forEach((id, index) => {
    const positions = waiting.get(id)
    if (positions === undefined) waiting.set(id, [index])
    else positions.push(index)
  })
  return {
    add: (result: DeleteResult) => {
      const index = waiting.get(result.tokenId)?.shift()
      if (index !== undefined) slots[index] = result
    },
    /** Every result, in input order; called once all have arrived. */
    results: (): Array<DeleteResult> => slots.filter((slot): slot is DeleteResult => slot !== undefined),
    /** The results known so far, in input order. */
    known: (): ReadonlyArray<DeleteResult> => slots.filter((slot): slot is DeleteResult => slot !== undefined)
  }
}
