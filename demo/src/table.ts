/**
 * The summary table printed at the end of a run: one row per scenario and API.
 */

export interface Row {
  readonly scenario: string
  readonly api: "Promise" | "Effect"
  /** What happened, in a few words: the value or the error the call ended with. */
  readonly outcome: string
  /** Whether the outcome is the one the scenario exists to show. */
  readonly ok: boolean
  /** Requests the server saw for this row's account; `undefined` against the real API. */
  readonly requests: number | undefined
  readonly ms: number
}

const columns: ReadonlyArray<{
  readonly title: string
  readonly align: "left" | "right"
  readonly cell: (row: Row) => string
}> = [
  { title: "scenario", align: "left", cell: (row) => row.scenario },
  { title: "API", align: "left", cell: (row) => row.api },
  { title: "outcome", align: "left", cell: (row) => row.outcome },
  { title: "requests", align: "right", cell: (row) => row.requests === undefined ? "-" : String(row.requests) },
  { title: "time", align: "right", cell: (row) => formatMs(row.ms) },
  { title: "check", align: "left", cell: (row) => row.ok ? "ok" : "UNEXPECTED" }
]

export const formatMs = (ms: number): string => `${Math.round(ms)} ms`

/** Plain text, so the table survives logs, CI output and copy-paste into an issue. */
export const renderTable = (rows: ReadonlyArray<Row>): ReadonlyArray<string> => {
  const widths = columns.map((column) => Math.max(column.title.length, ...rows.map((row) => column.cell(row).length)))
  const line = (cells: ReadonlyArray<string>) =>
    cells
      .map((cell, i) => columns[i]!.align === "right" ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!))
      .join("  ")
      .trimEnd()
  return [
    line(columns.map((column) => column.title)),
    line(widths.map((width) => "-".repeat(width))),
    ...rows.map((row) => line(columns.map((column) => column.cell(row))))
  ]
}
