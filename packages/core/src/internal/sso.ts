import * as HttpClient from "@effect/platform/HttpClient"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { TransportEnforcesLimits } from "../AttemptLimits.js"
import type { Service, SsoGrant } from "../IntegrationSso.js"
import * as Resilience from "../Resilience.js"
import type { SsoTokens } from "../Schemas.js"
import type { SsoExchangeError } from "../TokenError.js"
import { makeEngine } from "./engine/engine.js"
import { checkGrant } from "./inputs.js"
import { exchangeSso } from "./operations.js"
import { bind } from "./vercelClient.js"

export const makeSso = (
  binding: { readonly baseUrl: string; readonly userAgent: string }
): Effect.Effect<Service, never, HttpClient.HttpClient | Resilience.Resilience | Scope.Scope> =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    const resilience = yield* Resilience.Resilience
    // A transport that enforces attempt limits is one of ours, which never follows redirects.
    const enforced = yield* TransportEnforcesLimits
    const engine = yield* makeEngine(bind(client, binding, !enforced), resilience, [])
    return {
      exchange: (grant: SsoGrant) =>
        Effect.suspend(() => {
          const checked = checkGrant(grant)
          return checked._tag === "Left"
            ? Effect.fail(checked.left)
            : engine.run<SsoTokens, SsoExchangeError>(exchangeSso(checked.right))
        })
    }
  })
