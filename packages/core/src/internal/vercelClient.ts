/**
 * Binding a transport to the Vercel API once, not at each call: base URL, `Accept`, User-Agent, the
 * bearer token when there is one, and no redirects.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import type * as Redacted from "effect/Redacted"
import { TransportEnforcesLimits } from "../AttemptLimits.js"
import { VercelConfig } from "../VercelConfig.js"

export interface Binding {
  readonly baseUrl: string
  readonly userAgent: string
  readonly token?: Redacted.Redacted<string> | undefined
}

/**
 * `followsRedirects`: the transport may follow redirects unless told not to (fetch). A redirect would
 * carry the bearer token to whatever origin the `Location` names, so fetch is told `redirect: "manual"`.
 */
export const bind = (
  client: HttpClient.HttpClient,
  { baseUrl, token, userAgent }: Binding,
  followsRedirects = true
): HttpClient.HttpClient => {
  const headers = { accept: "application/json", "user-agent": userAgent }
  const bound = HttpClient.mapRequest(client, (request) => {
    const withHeaders = HttpClientRequest.setHeaders(HttpClientRequest.prependUrl(request, baseUrl), headers)
    return token === undefined ? withHeaders : HttpClientRequest.bearerToken(withHeaders, token)
  })
  if (!followsRedirects) return bound
  return HttpClient.transform(bound, (effect) =>
    Effect.flatMap(
      Effect.serviceOption(FetchHttpClient.RequestInit),
      (init) =>
        Effect.provideService(effect, FetchHttpClient.RequestInit, {
          ...(init._tag === "Some" ? init.value : {}),
          redirect: "manual"
        })
    ))
}

/** `VercelHttpClient.make`: the transport in context, bound with `VercelConfig`. */
export const makeBound: Effect.Effect<HttpClient.HttpClient, never, HttpClient.HttpClient | VercelConfig> = Effect.gen(
  function*() {
    // A transport that enforces attempt limits is one of ours, which never follows redirects.
    const followsRedirects = !(yield* TransportEnforcesLimits)
    return bind(yield* HttpClient.HttpClient, yield* VercelConfig, followsRedirects)
  }
)
