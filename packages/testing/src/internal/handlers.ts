/**
 * What each route of the mock server answers when no fault intervenes: the checks in Vercel's order
 * (router, path, credentials, rate limit, token validity, input) and the effect on the store.
 */
import type { TokenRecord } from "../MockVercelServer.js"
import { page, type PageConfig, parsePageRequest } from "./pagination.js"
import type { Window } from "./rateWindow.js"
import { type Body, parseBody, type RawBody } from "./requestBody.js"
import type { Match } from "./route.js"
import type { SsoExchange } from "./sso.js"
import type { TokenStore } from "./tokenStore.js"
import { rateLimited, type Reply, routerNotFound, vercelError } from "./vercelReply.js"

/** The request's own answer, before any fault changes how it is delivered. */
export interface Outcome extends Reply {
  readonly deleted?: string | undefined
  readonly created?: string | undefined
}

export interface Incoming {
  readonly match: Match | undefined
  readonly query: URLSearchParams
  readonly bearer: string | undefined
  /** Parsed for the routes that take one. */
  readonly body: Body | undefined
}

export const incoming = (
  match: Match | undefined,
  query: URLSearchParams,
  bearer: string | undefined,
  raw: RawBody
): Incoming => ({
  match,
  query,
  bearer,
  body: match?.route === "create" || match?.route === "sso"
    ? parseBody(raw, { form: match.route === "sso" })
    : undefined
})

/** SSO exchanges carry no bearer: they count against their client, as an integration's quota would. */
export const rateKeyOf = ({ bearer, body, match }: Incoming): string => {
  if (match?.route !== "sso") return `bearer ${bearer ?? ""}`
  const clientId = body?._tag === "Object" ? body.value.client_id : undefined
  return typeof clientId === "string" ? `sso ${clientId}` : "sso"
}

/** The `AuthToken` of a record: what Vercel shows of a live token. */
const view = ({ revokedAt: _revokedAt, ...token }: TokenRecord) => token

const ok = (body: unknown, extra: Omit<Outcome, keyof Reply> = {}): Outcome => ({
  status: 200,
  headers: {},
  body: JSON.stringify(body),
  ...extra
})

const badRequest = (message: string) => vercelError(400, `Invalid request: ${message}`)

export interface Dependencies {
  readonly store: TokenStore
  readonly sso: SsoExchange
  readonly pages: PageConfig
  readonly now: () => number
}

export const makeAnswer = ({ now, pages, sso, store }: Dependencies) => {
  const list = (bearer: string, query: URLSearchParams): Outcome => {
    if (query.has("teamId") || query.has("slug")) return badRequest("this endpoint does not take `teamId` or `slug`")
    const request = parsePageRequest(query, pages)
    if (request._tag === "Invalid") return vercelError(400, request.message)
    const result = page(store.liveOf(bearer), request, pages)
    return ok({ tokens: result.tokens.map(view), pagination: result.pagination })
  }

  const create = (bearer: string, query: URLSearchParams, body: Body | undefined): Outcome => {
    if (body?._tag !== "Object") return badRequest(body?.reason ?? "a JSON body is required")
    const { expiresAt, name, projectId } = body.value
    if (typeof name !== "string" || name.trim() === "") return badRequest("`name` must be a non-empty string")
    if (expiresAt !== undefined && (typeof expiresAt !== "number" || !Number.isFinite(expiresAt))) {
      return badRequest("`expiresAt` must be a time in epoch milliseconds")
    }
    if (expiresAt !== undefined && expiresAt <= now()) return badRequest("`expiresAt` must be in the future")
    if (projectId !== undefined && typeof projectId !== "string") return badRequest("`projectId` must be a string")
    // The mock knows no teams: a slug stands for the team's id.
    const teamId = query.get("teamId") || query.get("slug") || undefined
    const created = store.create(bearer, { name, expiresAt, teamId }, now())
    return ok({ token: view(created.token), bearerToken: created.secret }, { created: created.token.id })
  }

  return (request: Incoming, window: Window | undefined, skewMs: number): Outcome => {
    const { bearer, body, match, query } = request
    if (match === undefined) return routerNotFound
    if (match.route === "sso") {
      if (window?.exceeded === true) return rateLimited(window, now(), skewMs)
      if (body?._tag !== "Object") {
        return vercelError(400, `Invalid request: ${body?.reason ?? "a body is required"}`, { code: "invalid_request" })
      }
      return sso.exchange(body.value, now())
    }
    if ((match.route === "delete" || match.route === "get") && match.tokenId === undefined) {
      return badRequest("`tokenId` is not a valid path segment")
    }
    if (bearer === undefined) {
      return vercelError(401, "Missing or malformed Authorization header: expected \"Bearer <token>\"")
    }
    if (window?.exceeded === true) return rateLimited(window, now(), skewMs)
    if (store.authenticate(bearer, now()) === undefined) {
      return vercelError(403, "Not authorized", { invalidToken: true })
    }
    switch (match.route) {
      case "delete": {
        const revocation = store.revoke(bearer, match.tokenId!, now())
        if (revocation._tag === "NotFound") return vercelError(404, "The token was not found")
        return ok({ tokenId: revocation.tokenId }, { deleted: revocation.tokenId })
      }
      case "get": {
        const token = store.find(bearer, match.tokenId!)
        return token === undefined ? vercelError(404, "The token was not found") : ok({ token: view(token) })
      }
      case "list":
        return list(bearer, query)
      case "create":
        return create(bearer, query, body)
    }
  }
}
