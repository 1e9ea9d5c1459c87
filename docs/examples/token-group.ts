/**
 * The examples of docs/token-group.md, run against MockVercelServer by
 * packages/adapter/test/docs.tokenGroup.test.ts, which also checks that every code block of the page is here.
 */
// --- token-group: imports
import {
  type AuthToken,
  createVercelAuth,
  type DeleteResult,
  IntegrationSso,
  NetworkError,
  Resilience,
  ServerError,
  Timeout,
  TokenService,
  UndiciHttpClient,
  UnexpectedResponse,
  type VercelAuthClient
} from "@vercel-auth/adapter"
import { Chunk, Clock, Effect, Layer, Redacted, Stream } from "effect"
// --- end

// --- token-group: promise-list
/** The tokens Vercel found exposed in public (a commit, a paste): `leakedAt` is set on them. */
export const findLeaked = async (vercel: VercelAuthClient.VercelAuthClient) => {
  const leaked: Array<AuthToken> = []
  // Pages of up to 100 tokens are requested one at a time, as the loop asks for more.
  for await (const token of vercel.tokens.list({ pageSize: 100 })) {
    if (token.leakedAt !== undefined) leaked.push(token)
  }
  return leaked
}

/** The newest tokens only: leaving the loop early sends no further page request. */
export const newest = async (vercel: VercelAuthClient.VercelAuthClient, count: number) => {
  const tokens: Array<AuthToken> = []
  for await (const token of vercel.tokens.list()) {
    tokens.push(token)
    if (tokens.length >= count) break
  }
  return tokens
}
// --- end

// --- token-group: promise-current
/** Which token this client calls with, and when it stops working. */
export const describeCurrent = async (vercel: VercelAuthClient.VercelAuthClient) => {
  const token = await vercel.tokens.get("current")
  const expiry = token.expiresAt === undefined ? "never expires" : `expires ${token.expiresAt.toISOString()}`
  return `${token.name} (${token.id}), created ${token.createdAt.toISOString()}, ${expiry}`
}
// --- end

// --- token-group: promise-revoke
/** Revokes every leaked token but the client's own, and returns the ones that could not be revoked. */
export const revokeLeaked = async (
  vercel: VercelAuthClient.VercelAuthClient,
  log: (line: string) => void = console.log
) => {
  const self = await vercel.tokens.get("current")
  const leaked = await findLeaked(vercel)
  // Revoking its own token would lock the client out of the rest: that one is for a person to decide.
  const ids = leaked.map((token) => token.id).filter((id) => id !== self.id)
  const results = await vercel.tokens.deleteMany(ids, {
    missingOk: true,
    onResult: (result) => log(result.ok ? `revoked ${result.tokenId}` : result.error.message)
  })
  // One result per id, in the order given; a failed id never rejects the whole call.
  return results.filter((result): result is Extract<DeleteResult, { ok: false }> => !result.ok)
}
// --- end

// --- token-group: promise-create
/** A token for one CI job, that stops working after an hour whatever happens to the job. */
export const createForJob = async (vercel: VercelAuthClient.VercelAuthClient, jobId: string) => {
  const created = await vercel.tokens.create({
    name: `ci-job-${jobId}`,
    expiresAt: new Date(Date.now() + 60 * 60 * 1000)
  })
  // `bearerToken` is Redacted: printed, logged or serialised, it shows as "<redacted>".
  console.log(`created ${created.token.id}, secret ${String(created.bearerToken)}`)
  return { tokenId: created.token.id, secret: created.bearerToken }
}
// --- end

// --- token-group: promise-orphans
/** After a create that may have reached Vercel, revoke what it may have made before giving up. */
export const createOrCleanUp = async (vercel: VercelAuthClient.VercelAuthClient, jobId: string) => {
  try {
    return await createForJob(vercel, jobId)
  } catch (error) {
    // The errors of an attempt that may have reached Vercel list the tokens of that name made since the
    // call began; the name is unique to the job, so those are this call's.
    const orphans = error instanceof NetworkError || error instanceof Timeout || error instanceof ServerError ||
        error instanceof UnexpectedResponse
      ? error.possibleOrphans ?? []
      : []
    if (orphans.length > 0) await vercel.tokens.deleteMany(orphans, { missingOk: true })
    throw error
  }
}
// --- end

// --- token-group: promise-sso
/**
 * An integration's backend holds no Vercel token, only its client id and secret. Made without a
 * token (and without VERCEL_TOKEN), a client can still exchange codes; its token operations reject.
 */
export const ssoClient = (baseUrl?: string) => createVercelAuth({ baseUrl, userAgent: "acme-integration/1.0" })

/** The callback of "Sign in with Vercel": the one-time code becomes the user's tokens. */
export const exchangeCode = async (
  vercel: VercelAuthClient.VercelAuthClient,
  code: string,
  client: { readonly id: string; readonly secret: Redacted.Redacted<string> }
) => {
  const tokens = await vercel.sso.exchange({
    grantType: "authorization_code",
    code: Redacted.make(code),
    clientId: client.id,
    clientSecret: client.secret,
    redirectUri: "https://acme.example/vercel/callback"
  })
  // Every token of the answer is Redacted as well.
  return { idToken: tokens.idToken, refreshToken: tokens.refreshToken, expiresIn: tokens.expiresIn }
}
// --- end

// --- token-group: effect-list
/** The ids of the leaked tokens: the next page is requested only when the stream is pulled past one. */
export const leakedIds = Effect.gen(function*() {
  const tokens = yield* TokenService.TokenService
  const leaked = yield* tokens.list({ pageSize: 100 }).pipe(
    Stream.filter((token) => token.leakedAt !== undefined),
    Stream.map((token) => token.id),
    Stream.runCollect
  )
  return Chunk.toReadonlyArray(leaked)
})

/** Revokes them, the client's own token aside; each result arrives as its revocation completes. */
export const revokeAllLeaked = Effect.gen(function*() {
  const tokens = yield* TokenService.TokenService
  const self = yield* tokens.get("current")
  const ids = (yield* leakedIds).filter((id) => id !== self.id)
  return yield* tokens.deleteMany(ids, { missingOk: true }).pipe(
    Stream.tap((result) =>
      result.ok ? Effect.logInfo(`revoked ${result.tokenId}`) : Effect.logWarning(result.error.message)
    ),
    Stream.runCollect,
    Effect.map(Chunk.toReadonlyArray)
  )
})
// --- end

// --- token-group: effect-create
/** A token that expires in an hour; the log line shows its secret as "<redacted>". */
export const shortLived = (name: string) =>
  Effect.gen(function*() {
    const tokens = yield* TokenService.TokenService
    const now = yield* Clock.currentTimeMillis
    const created = yield* tokens.create({ name, expiresAt: now + 60 * 60 * 1000 })
    yield* Effect.logInfo("created a token").pipe(
      Effect.annotateLogs({ tokenId: created.token.id, secret: created.bearerToken })
    )
    return created
  })
// --- end

// --- token-group: effect-sso
/** The SSO exchange alone, for a backend with no Vercel token, over the adapter's undici transport. */
export const ssoLayer = (baseUrl?: string) =>
  IntegrationSso.layer({ baseUrl, userAgent: "acme-integration/1.0" }).pipe(
    Layer.provide(Resilience.layer()),
    Layer.provide(UndiciHttpClient.layer({ connections: 4 }))
  )

/** `None` when the code was already used or has expired: the user signs in again. */
export const signIn = (code: string, clientId: string, clientSecret: Redacted.Redacted<string>) =>
  Effect.gen(function*() {
    const sso = yield* IntegrationSso.IntegrationSso
    return yield* sso.exchange({ grantType: "authorization_code", code: Redacted.make(code), clientId, clientSecret })
  }).pipe(
    Effect.asSome,
    Effect.catchIf((error) => error._tag === "BadRequest" && error.code === "invalid_grant", () => Effect.succeedNone)
  )
// --- end
