/**
 * `POST /v1/integrations/sso/token`, OAuth-style: a client (id and secret) exchanges an authorization
 * code, or a refresh token, for an id token and a fresh pair. Codes and refresh tokens are single-use,
 * so a client that retries an exchange whose response was lost sees `invalid_grant`, as it would at
 * Vercel.
 */
import { randomBytes } from "node:crypto"
import type { Sso } from "../MockVercelServer.js"
import { type Reply, vercelError } from "./vercelReply.js"

export interface SsoExchange {
  /** The answer to one exchange; a granted one has used its code or refresh token up. */
  readonly exchange: (body: Readonly<Record<string, unknown>>, now: number) => Reply
  readonly addCodes: (codes: ReadonlyArray<string>) => void
  readonly codeUsed: (code: string) => boolean
}

const refuse = (status: number, code: string, message: string): Reply => vercelError(status, message, { code })

const random = (bytes: number) => randomBytes(bytes).toString("base64url")

const segment = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url")

export const makeSso = (options: Sso | undefined): SsoExchange => {
  const clients = new Map(Object.entries(options?.clients ?? {}))
  const codes = new Map<string, boolean>()
  const refreshTokens = new Map<string, { readonly clientId: string; used: boolean }>()
  const expiresIn = options?.expiresInSeconds ?? 3600
  const addCodes = (list: ReadonlyArray<string>) => {
    for (const code of list) if (!codes.has(code)) codes.set(code, false)
  }
  addCodes(options?.codes ?? [])

  const issue = (clientId: string, now: number) => {
    const refreshToken = `vcr_${random(24)}`
    refreshTokens.set(refreshToken, { clientId, used: false })
    const iat = Math.floor(now / 1000)
    // Shaped like a JWT so clients that peek at it can; the signature is noise, nobody verifies it here.
    const idToken = [
      segment({ alg: "RS256", typ: "JWT" }),
      segment({ iss: "https://vercel.com", sub: "user_mock", aud: clientId, iat, exp: iat + expiresIn }),
      random(32)
    ].join(".")
    return {
      status: 200,
      headers: {},
      body: JSON.stringify({
        id_token: idToken,
        access_token: `vca_${random(24)}`,
        token_type: "Bearer",
        expires_in: expiresIn,
        refresh_token: refreshToken
      })
    }
  }

  const exchange: SsoExchange["exchange"] = (body, now) => {
    const grantType = body.grant_type
    if (grantType !== "authorization_code" && grantType !== "refresh_token") {
      return typeof grantType === "string"
        ? refuse(400, "unsupported_grant_type", `Unsupported grant_type ${JSON.stringify(grantType)}`)
        : refuse(400, "invalid_request", "Missing grant_type")
    }
    const clientId = body.client_id
    const clientSecret = body.client_secret
    if (typeof clientId !== "string" || typeof clientSecret !== "string") {
      return refuse(400, "invalid_request", "Missing client_id or client_secret")
    }
    if (!clients.has(clientId) || clients.get(clientId) !== clientSecret) {
      return refuse(401, "invalid_client", "Client authentication failed")
    }
    if (grantType === "authorization_code") {
      const code = body.code
      if (typeof code !== "string") return refuse(400, "invalid_request", "Missing code")
      if (codes.get(code) !== false) {
        return refuse(400, "invalid_grant", "The authorization code is invalid, expired or already used")
      }
      codes.set(code, true)
      return issue(clientId, now)
    }
    const refreshToken = body.refresh_token
    if (typeof refreshToken !== "string") return refuse(400, "invalid_request", "Missing refresh_token")
    const issued = refreshTokens.get(refreshToken)
    if (issued === undefined || issued.used || issued.clientId !== clientId) {
      return refuse(400, "invalid_grant", "The refresh token is invalid or already used")
    }
    issued.used = true
    return issue(clientId, now)
  }

  return { exchange, addCodes, codeUsed: (code) => codes.get(code) === true }
}
