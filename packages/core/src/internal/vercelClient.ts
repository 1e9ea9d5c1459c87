/**
 * Binding a transport to the Vercel API once, not at each call: base URL, `Accept`, User-Agent, the
 * bearer token when there is one, and no redirects.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import type * as Redacted from "effect/Redacted"

export interface Binding {
  readonly baseUrl: string
  readonly userAgent: string
  readonly token?: Redacted.Redacted<string> | undefined
}

export const bind = (client: HttpClient.HttpClient, { baseUrl, token, userAgent }: Binding): HttpClient.HttpClient =>
  client.pipe(
    HttpClient.mapRequest((request) => {
      const bound = request.pipe(
        HttpClientRequest.prependUrl(baseUrl),
        HttpClientRequest.acceptJson,
        HttpClientRequest.setHeader("user-agent", userAgent)
      )
      return token === undefined ? bound : HttpClientRequest.bearerToken(bound, token)
    }),
    // undici's `request` never follows redirects; fetch does unless told otherwise. A redirect
    // would carry the bearer token to whatever origin the Location names.
    HttpClient.transform((effect) =>
      Effect.flatMap(
        Effect.serviceOption(FetchHttpClient.RequestInit),
        (init) =>
          Effect.provideService(effect, FetchHttpClient.RequestInit, {
            ...(init._tag === "Some" ? init.value : {}),
            redirect: "manual"
          })
      )
    )
  )
