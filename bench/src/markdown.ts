/**
 * Small Markdown and number formatting helpers for the report.
 */

/** A Markdown table; the first column left-aligned and the others right-aligned, unless `left` is set. */
export const table = (
  header: ReadonlyArray<string>,
  rows: ReadonlyArray<ReadonlyArray<string>>,
  left = false
): string => {
  const align = header.map((_, i) => (i === 0 || left ? "---" : "---:"))
  return [header, align, ...rows].map((row) => `| ${row.join(" | ")} |`).join("\n")
}

export const us = (value: number): string => value.toFixed(value < 100 ? 1 : 0)
export const ms = (value: number): string => {
  const size = Math.abs(value)
  return value.toFixed(size < 10 ? 2 : size < 100 ? 1 : 0)
}
/** A time relative to a deadline: "120 ms past the deadline" or "1343 ms before it". */
export const lateness = (value: number): string =>
  value > 0 ? `${ms(value)} ms past the deadline` : `${ms(-value)} ms before the deadline`
export const ratio = (value: number): string => `${value.toFixed(2)}×`
export const percent = (value: number): string => `${(value * 100).toFixed(1)} %`
export const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`
export const mib = (value: number): string => `${value.toFixed(1)} MiB`
export const seconds = (msValue: number): string => `${(msValue / 1000).toFixed(2)} s`

/** A whole number with a space between thousands, as the page writes them: 100 000. */
export const count = (value: number): string => String(Math.round(value)).replace(/\B(?=(\d{3})+(?!\d))/g, " ")
