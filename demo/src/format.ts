/**
 * Small text helpers for the demo's lines.
 */

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

/** A list in words: `a`, `a and b`, `a, b and c`. */
export const and = (items: ReadonlyArray<string>): string =>
  items.length <= 1 ? items.join("") : `${items.slice(0, -1).join(", ")} and ${items.at(-1)}`

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`
