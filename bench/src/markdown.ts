/**
 * Small Markdown and number formatting helpers for the report.
 */

export const table = (header: ReadonlyArray<string>, rows: ReadonlyArray<ReadonlyArray<string>>): string => {
  const align = header.map((_, i) => (i === 0 ? "---" : "---:"))
  return [header, align, ...rows].map((row) => `| ${row.join(" | ")} |`).join("\n")
}

export const us = (value: number): string => value.toFixed(value < 100 ? 1 : 0)
export const ms = (value: number): string => value.toFixed(value < 10 ? 2 : value < 100 ? 1 : 0)
export const ratio = (value: number): string => `${value.toFixed(2)}×`
export const percent = (value: number): string => `${(value * 100).toFixed(1)} %`
export const kib = (bytes: number): string => `${(bytes / 1024).toFixed(1)} KiB`
export const mib = (value: number): string => `${value.toFixed(1)} MiB`
export const seconds = (msValue: number): string => `${(msValue / 1000).toFixed(2)} s`
