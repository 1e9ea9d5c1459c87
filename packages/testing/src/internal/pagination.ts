/**
 * Paging of `GET /v6/user/tokens`: newest first, cursors passed back as `until`. The two cursor kinds
 * are the two shapes Vercel's `pagination.next` takes (a number timestamp or a string), so clients are
 * tested against both.
 */
import type { Pagination, TokenRecord } from "../MockVercelServer.js"

export interface PageConfig {
  readonly pageSize: number
  readonly maxPageSize: number
  readonly cursor: "number" | "string"
}

const positiveInteger = (value: number) => Number.isSafeInteger(value) && value >= 1

/** Throws for settings that would make every list request fail, or none of its pages end. */
export const pageConfig = (options: Pagination = {}): PageConfig => {
  const maxPageSize = options.maxPageSize ?? 100
  const pageSize = options.pageSize ?? Math.min(20, maxPageSize)
  const cursor = options.cursor ?? "number"
  if (!positiveInteger(maxPageSize)) {
    throw new TypeError(`MockVercelServer pagination: maxPageSize must be a positive integer, got ${maxPageSize}`)
  }
  if (!positiveInteger(pageSize) || pageSize > maxPageSize) {
    throw new TypeError(
      `MockVercelServer pagination: pageSize must be a positive integer up to maxPageSize (${maxPageSize}), got ${pageSize}`
    )
  }
  if (cursor !== "number" && cursor !== "string") {
    throw new TypeError(`MockVercelServer pagination: cursor must be "number" or "string", got ${String(cursor)}`)
  }
  return { pageSize, maxPageSize, cursor }
}

type Position = { readonly createdAt: number; readonly id: string }

/** The list order: newest `createdAt` first, then by id so that equal timestamps still have one order. */
export const newestFirst = (a: Position, b: Position): number =>
  b.createdAt - a.createdAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

const encode = (token: TokenRecord) => Buffer.from(JSON.stringify([token.createdAt, token.id])).toString("base64url")

const decode = (cursor: string): Position | undefined => {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"))
    if (!Array.isArray(value) || value.length !== 2) return undefined
    const [createdAt, id] = value as [unknown, unknown]
    return typeof createdAt === "number" && typeof id === "string" ? { createdAt, id } : undefined
  } catch {
    return undefined
  }
}

export type PageRequest =
  | { readonly _tag: "Page"; readonly limit: number; readonly until: number | Position | undefined }
  | { readonly _tag: "Invalid"; readonly message: string }

export const parsePageRequest = (query: URLSearchParams, config: PageConfig): PageRequest => {
  const limitParam = query.get("limit")
  const limit = limitParam === null ? config.pageSize : /^[1-9]\d{0,8}$/.test(limitParam) ? Number(limitParam) : NaN
  if (!(limit <= config.maxPageSize)) {
    return {
      _tag: "Invalid",
      message: `Invalid request: \`limit\` must be an integer from 1 to ${config.maxPageSize}`
    }
  }
  const untilParam = query.get("until")
  if (untilParam === null) return { _tag: "Page", limit, until: undefined }
  const until = config.cursor === "number"
    ? /^-?\d{1,16}$/.test(untilParam) ? Number(untilParam) : undefined
    : decode(untilParam)
  return until === undefined
    ? { _tag: "Invalid", message: "Invalid request: `until` is not a cursor this endpoint returned" }
    : { _tag: "Page", limit, until }
}

export interface Page {
  readonly tokens: ReadonlyArray<TokenRecord>
  readonly pagination: {
    readonly count: number
    readonly next: number | string | null
    readonly prev: number | string | null
  }
}

/** One page of `tokens` (already in list order). */
export const page = (
  tokens: ReadonlyArray<TokenRecord>,
  request: { readonly limit: number; readonly until: number | Position | undefined },
  config: PageConfig
): Page => {
  const { limit, until } = request
  const rest = until === undefined
    ? tokens
    : typeof until === "number"
    ? tokens.filter((token) => token.createdAt < until)
    : tokens.filter((token) => newestFirst(token, until) > 0)
  let size = Math.min(limit, rest.length)
  if (config.cursor === "number" && size < rest.length && rest[size - 1]!.createdAt === rest[size]!.createdAt) {
    // The cursor "older than t" cannot resume inside tokens sharing t: end the page before them, or
    // when they start it, take them all.
    const shared = rest[size - 1]!.createdAt
    const first = rest.findIndex((token) => token.createdAt === shared)
    const end = rest.findIndex((token) => token.createdAt !== shared)
    size = first > 0 ? first : end === -1 ? rest.length : end
  }
  const items = rest.slice(0, size)
  const cursorOf = (token: TokenRecord | undefined) =>
    token === undefined ? null : config.cursor === "number" ? token.createdAt : encode(token)
  return {
    tokens: items,
    pagination: {
      count: items.length,
      next: size < rest.length ? cursorOf(items[items.length - 1]) : null,
      prev: cursorOf(items[0])
    }
  }
}
