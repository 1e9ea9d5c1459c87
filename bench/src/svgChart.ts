/**
 * The rate-limit chart, written by hand: requests completed over time for each client, the ideal
 * rate as a dashed line, and a tick per 429 under the plot.
 */

export interface Series {
  readonly label: string
  readonly color: string
  /** Completion times in ms from the start. */
  readonly completedAtMs: ReadonlyArray<number>
  /** 429 times in ms from the start. */
  readonly rejectedAtMs: ReadonlyArray<number>
}

export interface ChartSpec {
  readonly title: string
  readonly total: number
  /** The ideal: `total` requests at the server's own rate, done at this instant. */
  readonly idealMs: number
  /** The ideal line's label; "ideal (server rate)" by default. */
  readonly idealLabel?: string
  readonly series: ReadonlyArray<Series>
}

const escape = (text: string): string =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;")

const fixed = (n: number): string => (Math.round(n * 10) / 10).toString()

export const renderChart = (spec: ChartSpec): string => {
  const width = 800
  const height = 440
  const left = 60
  const right = 20
  const top = 40
  const plotHeight = 280
  const tickRow = 18
  const plotWidth = width - left - right
  const lastMs = Math.max(spec.idealMs, ...spec.series.flatMap((s) => [...s.completedAtMs, ...s.rejectedAtMs]))
  const xMaxS = Math.max(2, Math.ceil(lastMs / 1000 / 2) * 2)
  const x = (ms: number) => left + (ms / 1000 / xMaxS) * plotWidth
  const y = (count: number) => top + plotHeight - (count / spec.total) * plotHeight
  const parts: Array<string> = []
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" ` +
      `font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${left}" y="22" font-size="15" font-weight="600">${escape(spec.title)}</text>`
  )
  // Grid: a line every 2 s on x, every 100 requests on y.
  const xStep = xMaxS > 40 ? 10 : xMaxS > 20 ? 4 : 2
  for (let s = 0; s <= xMaxS; s += xStep) {
    parts.push(
      `<line x1="${fixed(x(s * 1000))}" y1="${top}" x2="${fixed(x(s * 1000))}" y2="${
        top + plotHeight
      }" stroke="#e5e5e5"/>`,
      `<text x="${fixed(x(s * 1000))}" y="${top + plotHeight + 16}" text-anchor="middle" fill="#555">${s}</text>`
    )
  }
  const yStep = spec.total >= 500 ? 100 : Math.max(1, Math.round(spec.total / 5))
  for (let n = 0; n <= spec.total; n += yStep) {
    parts.push(
      `<line x1="${left}" y1="${fixed(y(n))}" x2="${left + plotWidth}" y2="${fixed(y(n))}" stroke="#e5e5e5"/>`,
      `<text x="${left - 6}" y="${fixed(y(n) + 4)}" text-anchor="end" fill="#555">${n}</text>`
    )
  }
  parts.push(
    `<text x="${left + plotWidth / 2}" y="${top + plotHeight + 32}" text-anchor="middle" fill="#333">seconds</text>`,
    `<text x="16" y="${top + plotHeight / 2}" text-anchor="middle" fill="#333" ` +
      `transform="rotate(-90 16 ${top + plotHeight / 2})">requests completed</text>`,
    `<line x1="${x(0)}" y1="${y(0)}" x2="${fixed(x(spec.idealMs))}" y2="${fixed(y(spec.total))}" ` +
      `stroke="#888" stroke-dasharray="6 4"/>`,
    // Left of the line's end and under it: right of it, the label would leave the picture when the
    // ideal ends near the last completion.
    `<text x="${fixed(x(spec.idealMs) - 6)}" y="${fixed(y(spec.total) + 16)}" text-anchor="end" fill="#666">${
      escape(spec.idealLabel ?? "ideal (server rate)")
    }</text>`
  )
  spec.series.forEach((series, index) => {
    const times = [...series.completedAtMs].sort((a, b) => a - b)
    const points = [`${x(0)},${y(0)}`]
    times.forEach((ms, i) => points.push(`${fixed(x(ms))},${fixed(y(i))}`, `${fixed(x(ms))},${fixed(y(i + 1))}`))
    parts.push(
      `<polyline fill="none" stroke="${series.color}" stroke-width="2" points="${points.join(" ")}"/>`
    )
    const rowY = top + plotHeight + 44 + index * tickRow
    parts.push(
      `<text x="${left - 6}" y="${rowY + 4}" text-anchor="end" fill="${series.color}">429s</text>`,
      `<line x1="${left}" y1="${rowY}" x2="${left + plotWidth}" y2="${rowY}" stroke="#f0f0f0"/>`
    )
    for (const ms of series.rejectedAtMs) {
      parts.push(
        `<line x1="${fixed(x(ms))}" y1="${rowY - 6}" x2="${fixed(x(ms))}" y2="${rowY + 6}" stroke="${series.color}"/>`
      )
    }
    const legendY = top + 16 + index * 18
    const done = times.length === 0 ? 0 : times[times.length - 1]
    parts.push(
      `<rect x="${left + 12}" y="${legendY - 9}" width="14" height="4" fill="${series.color}"/>`,
      `<text x="${left + 32}" y="${legendY - 3}">${escape(series.label)}: ${times.length} in ${
        (done / 1000).toFixed(1)
      } s, ${series.rejectedAtMs.length} × 429</text>`
    )
  })
  parts.push("</svg>")
  return parts.join("\n") + "\n"
}
