/**
 * Plain-text tables for the human output: a header row, columns padded to their widest cell, cells
 * sanitised and long ones cut with `…` so that one token is always one line.
 *
 * @since 0.1.0
 */
import { sanitize } from "./Io.js"

/**
 * @since 0.1.0
 * @category models
 */
export interface Column<A> {
  readonly header: string
  readonly cell: (row: A) => string
  /** Longer cells are cut, ending in `…`. */
  readonly max?: number | undefined
}

const fit = (text: string, max: number | undefined): string => {
  const clean = sanitize(text)
  return max !== undefined && clean.length > max ? `${clean.slice(0, max - 1)}…` : clean
}

/**
 * The table as lines of text, without trailing spaces.
 *
 * @since 0.1.0
 * @category formatting
 */
export const render = <A>(columns: ReadonlyArray<Column<A>>, rows: ReadonlyArray<A>): string => {
  const cells = [
    columns.map((column) => column.header),
    ...rows.map((row) => columns.map((column) => fit(column.cell(row), column.max)))
  ]
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => line[i]!.length)))
  return cells.map((line) => line.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n")
}

/**
 * A date for a table: UTC to the minute, `2025-03-01 14:05Z`; `-` when absent.
 *
 * @since 0.1.0
 * @category formatting
 */
export const date = (value: Date | undefined): string =>
  value === undefined ? "-" : `${value.toISOString().slice(0, 16).replace("T", " ")}Z`
