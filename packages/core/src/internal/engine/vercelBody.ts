/**
 * Recognising Vercel's JSON error body. Only an answer that carries it speaks for the token API: a 404
 * without it comes from a wrong route or a proxy, and must never read as "no such token".
 */
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { VercelErrorBody, type VercelErrorDetail } from "../../Schemas.js"

const decodeErrorBody = Schema.decodeUnknownOption(VercelErrorBody)

export const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text)
  } catch {
    return undefined
  }
}

/** The error object of a Vercel error body (`error`, or `err` on some endpoints), if `text` is one. */
export const vercelErrorDetail = (text: string): VercelErrorDetail | undefined => {
  const body = decodeErrorBody(parseJson(text))
  if (Option.isNone(body)) return undefined
  const detail = body.value.error ?? body.value.err
  return detail !== undefined && (detail.code !== undefined || detail.message !== undefined) ? detail : undefined
}
