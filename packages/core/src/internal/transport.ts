/**
 * Transport failures, told apart by whether the request can have reached the server (which
 * decides lost-response reconciliation) and whether trying again can help.
 */
import type * as HttpClientError from "@effect/platform/HttpClientError"

export interface TransportFailure {
  /** The request may have reached the server and been acted on. */
  readonly ambiguous: boolean
  readonly retryable: boolean
  /** The underlying error, rebuilt from its name, code and message alone so it cannot carry a request. */
  readonly cause: Error
  readonly code: string | undefined
}

// Failures before a connection existed: nothing was sent.
const beforeSending = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EAI_NONAME",
  "EAI_FAIL",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "UND_ERR_CONNECT_TIMEOUT"
])

// Retrying a certificate problem only repeats it, and each try offers the token to the wrong peer.
const isTlsFailure = (code: string | undefined): boolean =>
  code !== undefined && /^ERR_TLS_|^ERR_SSL_|CERT|SIGNATURE|^UNABLE_TO_/.test(code)

interface Causal {
  readonly code?: unknown
  readonly cause?: unknown
  readonly name?: unknown
  readonly message?: unknown
}

/** The innermost error with a string `code` (fetch hides it under `cause`), bounded in depth. */
const rootCause = (error: unknown): Causal | undefined => {
  let current: unknown = error
  let found: Causal | undefined
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const causal = current as Causal
    if (found === undefined || typeof causal.code === "string") found = causal
    current = causal.cause
  }
  return found
}

export const describeTransportFailure = (error: HttpClientError.HttpClientError): TransportFailure => {
  const root = rootCause(error._tag === "RequestError" ? error.cause : error)
  const code = typeof root?.code === "string" ? root.code : undefined
  const name = typeof root?.name === "string" ? root.name : "Error"
  const message = typeof root?.message === "string" && root.message !== "" ? root.message : error.reason
  const cause = Object.assign(new Error(message.slice(0, 300)), { name, code })
  if (error._tag === "RequestError" && error.reason !== "Transport") {
    return { ambiguous: false, retryable: false, cause, code }
  }
  return {
    ambiguous: code === undefined || !beforeSending.has(code),
    retryable: !isTlsFailure(code),
    cause,
    code
  }
}
