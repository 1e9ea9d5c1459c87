/**
 * Arguments checked before anything is sent: a mistake is an `InvalidInput` naming the field, never a
 * request Vercel would refuse (or, worse, accept in a form nobody meant).
 */
import * as Either from "effect/Either"
import * as Redacted from "effect/Redacted"
import type { SsoGrant } from "../IntegrationSso.js"
import { InvalidInput, type Operation } from "../TokenError.js"
import type { CreateTokenInput, ListOptions } from "../TokenService.js"
import type { CreateBody } from "./operations.js"
import { controlCharacter } from "./tokenId.js"

type Checked<A> = Either.Either<A, InvalidInput>

const refuse = (operation: Operation, field: string, problem: string, tokenName?: string): Checked<never> =>
  Either.left(
    new InvalidInput({ operation, attempts: 0, field, problem, ...(tokenName === undefined ? {} : { tokenName }) })
  )

const maxPageSize = 100
const maxNameLength = 256

export const checkListOptions = (options: ListOptions | undefined): Checked<number | undefined> => {
  const pageSize = options?.pageSize
  if (pageSize === undefined) return Either.right(undefined)
  return typeof pageSize === "number" && Number.isInteger(pageSize) && pageSize >= 1 && pageSize <= maxPageSize
    ? Either.right(pageSize)
    : refuse("list", "pageSize", `must be a whole number from 1 to ${maxPageSize}, got ${String(pageSize)}`)
}

const plainId = (value: unknown): boolean =>
  typeof value === "string" && value.trim() !== "" && value.length <= 256 && !controlCharacter.test(value)

export const checkCreateInput = (
  input: CreateTokenInput,
  now: number
): Checked<{ readonly body: CreateBody; readonly teamId: string | undefined }> => {
  const name: unknown = input?.name
  if (typeof name !== "string" || name.trim() === "") return refuse("create", "name", "must be a non-empty string")
  if (name.length > maxNameLength) return refuse("create", "name", `must be at most ${maxNameLength} characters`)
  if (controlCharacter.test(name)) return refuse("create", "name", "must not contain control characters", name)
  const expires: unknown = input.expiresAt
  let expiresAt: number | undefined
  if (expires !== undefined) {
    expiresAt = expires instanceof Date ? expires.getTime() : typeof expires === "number" ? expires : NaN
    if (!Number.isFinite(expiresAt)) {
      return refuse("create", "expiresAt", "must be a valid Date or epoch milliseconds", name)
    }
    if (expiresAt <= now) {
      return refuse("create", "expiresAt", `is in the past (${new Date(expiresAt).toISOString()})`, name)
    }
  }
  for (const field of ["projectId", "teamId"] as const) {
    if (input[field] !== undefined && !plainId(input[field])) {
      return refuse("create", field, "must be a non-empty id without control characters", name)
    }
  }
  return Either.right({
    body: {
      name,
      ...(expiresAt === undefined ? {} : { expiresAt }),
      ...(input.projectId === undefined ? {} : { projectId: input.projectId })
    },
    teamId: input.teamId
  })
}

const secretPresent = (value: unknown): boolean =>
  // eslint-disable-next-line no-restricted-syntax -- only its emptiness is looked at
  Redacted.isRedacted(value) && typeof Redacted.value(value) === "string" && Redacted.value(value) !== ""

export const checkGrant = (grant: SsoGrant): Checked<SsoGrant> => {
  const type: unknown = grant?.grantType
  if (type !== "authorization_code" && type !== "refresh_token") {
    return refuse("sso-exchange", "grant.grantType", "must be \"authorization_code\" or \"refresh_token\"")
  }
  if (!plainId(grant.clientId)) return refuse("sso-exchange", "grant.clientId", "must be a non-empty string")
  if (!secretPresent(grant.clientSecret)) {
    return refuse("sso-exchange", "grant.clientSecret", "must be a non-empty Redacted string")
  }
  if (grant.grantType === "authorization_code") {
    if (!secretPresent(grant.code)) return refuse("sso-exchange", "grant.code", "must be a non-empty Redacted string")
    for (const field of ["redirectUri", "state"] as const) {
      if (grant[field] !== undefined && typeof grant[field] !== "string") {
        return refuse("sso-exchange", `grant.${field}`, "must be a string")
      }
    }
  } else if (!secretPresent(grant.refreshToken)) {
    return refuse("sso-exchange", "grant.refreshToken", "must be a non-empty Redacted string")
  }
  return Either.right(grant)
}
