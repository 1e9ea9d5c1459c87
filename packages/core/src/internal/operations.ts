/**
 * The token group as descriptions for the engine: what each operation sends, how its answer reads,
 * and what retrying it means. Everything else (gate, limit, retries, deadline, spans) is the engine's.
 */
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import type { SsoGrant } from "../IntegrationSso.js"
import * as Schemas from "../Schemas.js"
import type { Answer } from "./engine/attempt.js"
import type { Operation } from "./engine/operation.js"
import { parseJson } from "./engine/vercelBody.js"
import { tokenSegment } from "./tokenId.js"

const decoder = <A, I>(schema: Schema.Schema<A, I>) => {
  const decode = Schema.decodeUnknownOption(schema)
  return (text: string): A | undefined => Option.getOrUndefined(decode(parseJson(text)))
}

const KiB = 1024

const decodeDeleted = decoder(Schemas.DeleteTokenResponse)

const gone = (status: number) => status === 404 || status === 410

export const deleteToken = (tokenId: string, missingOk: boolean): Operation<Schemas.DeletedToken> => {
  const alreadyDeleted: Schemas.DeletedToken = { tokenId, alreadyDeleted: true }
  return {
    span: "TokenService.delete",
    bucket: "delete",
    context: { operation: "delete", tokenId },
    request: HttpClientRequest.del(`/v3/user/tokens/${tokenSegment(tokenId)}`),
    idempotent: true,
    maxSuccessBytes: 16 * KiB,
    decode: (text) => {
      const body = decodeDeleted(text)
      return body === undefined ? undefined : { tokenId: body.tokenId }
    },
    reconcile: (answer: Answer, ambiguousBefore: boolean) => {
      // Only Vercel's own "no such token" counts: a bare 404 from a wrong route or a proxy never does.
      if (gone(answer.status) && answer.detail !== undefined && (ambiguousBefore || missingOk)) return alreadyDeleted
      // Our own token is gone: an earlier attempt revoked it, and nothing more can be sent with it.
      const ownTokenGone = answer.status === 401 || (answer.status === 403 && answer.detail?.invalidToken === true)
      return tokenId === "current" && ambiguousBefore && ownTokenGone ? alreadyDeleted : undefined
    },
    attributes: { "vercel.token_id": tokenId }
  }
}

const decodeGet = decoder(Schemas.GetTokenResponse)

export const getToken = (tokenId: string): Operation<Schemas.AuthToken> => ({
  span: "TokenService.get",
  bucket: "get",
  context: { operation: "get", tokenId },
  request: HttpClientRequest.get(`/v5/user/tokens/${tokenSegment(tokenId)}`),
  idempotent: true,
  maxSuccessBytes: 256 * KiB,
  decode: (text) => decodeGet(text)?.token,
  attributes: { "vercel.token_id": tokenId }
})

export type ListPage = typeof Schemas.ListTokensResponse.Type
const decodePage = decoder(Schemas.ListTokensResponse)

export const listPage = (cursor: string | number | undefined, pageSize: number | undefined): Operation<ListPage> => ({
  span: "TokenService.list",
  bucket: "list",
  context: { operation: "list" },
  // The cursor goes back exactly as it came: a number as its decimal form, a string as it is.
  request: HttpClientRequest.get("/v6/user/tokens", {
    urlParams: [
      ...(pageSize === undefined ? [] : [["limit", String(pageSize)] as const]),
      ...(cursor === undefined ? [] : [["until", String(cursor)] as const])
    ]
  }),
  idempotent: true,
  maxSuccessBytes: 4096 * KiB,
  decode: decodePage,
  attributes: { "vercel.page_size": pageSize ?? "default" }
})

export interface CreateBody {
  readonly name: string
  readonly expiresAt?: number | undefined
  readonly projectId?: string | undefined
}

const decodeCreated = decoder(Schemas.CreatedToken)

export const createToken = (body: CreateBody, teamId: string | undefined): Operation<Schemas.CreatedToken> => ({
  span: "TokenService.create",
  bucket: "create",
  context: { operation: "create", tokenName: body.name },
  request: HttpClientRequest.post("/v3/user/tokens", {
    urlParams: teamId === undefined ? [] : [["teamId", teamId]]
  }).pipe(HttpClientRequest.bodyUnsafeJson(body)),
  idempotent: false,
  maxSuccessBytes: 256 * KiB,
  decode: decodeCreated,
  secretBody: true,
  attributes: { "vercel.token_name": body.name }
})

const decodeSso = decoder(Schemas.SsoTokens)

// eslint-disable-next-line no-restricted-syntax -- the grant's secrets go into this one request body
const reveal = (secret: Redacted.Redacted<string>): string => Redacted.value(secret)

export const exchangeSso = (grant: SsoGrant): Operation<Schemas.SsoTokens> => {
  const secrets = grant.grantType === "authorization_code"
    ? [reveal(grant.code), reveal(grant.clientSecret)]
    : [reveal(grant.refreshToken), reveal(grant.clientSecret)]
  const body = grant.grantType === "authorization_code"
    ? {
      grant_type: grant.grantType,
      code: secrets[0],
      client_id: grant.clientId,
      client_secret: secrets[1],
      ...(grant.redirectUri === undefined ? {} : { redirect_uri: grant.redirectUri }),
      ...(grant.state === undefined ? {} : { state: grant.state })
    }
    : { grant_type: grant.grantType, refresh_token: secrets[0], client_id: grant.clientId, client_secret: secrets[1] }
  return {
    span: "IntegrationSso.exchange",
    bucket: "sso",
    context: { operation: "sso-exchange" },
    request: HttpClientRequest.post("/v1/integrations/sso/token").pipe(HttpClientRequest.bodyUnsafeJson(body)),
    // A code is single-use: an exchange that may have reached Vercel is never sent again.
    idempotent: false,
    maxSuccessBytes: 256 * KiB,
    decode: decodeSso,
    secretBody: true,
    secrets,
    attributes: { "vercel.grant_type": grant.grantType }
  }
}
