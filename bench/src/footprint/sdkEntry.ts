/**
 * Bundle-size entry: a program that only revokes a token through `@vercel/sdk`'s standalone function.
 */
import { VercelCore } from "@vercel/sdk/core.js"
import { authenticationDeleteAuthToken } from "@vercel/sdk/funcs/authenticationDeleteAuthToken.js"

const core = new VercelCore({ bearerToken: process.env.VERCEL_TOKEN ?? "" })
const result = await authenticationDeleteAuthToken(core, { tokenId: process.argv[2] ?? "current" })
if (!result.ok) throw result.error
process.stdout.write(`${result.value.tokenId}\n`)
