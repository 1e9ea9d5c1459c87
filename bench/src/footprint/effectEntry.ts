/**
 * Bundle-size entry: a program that only revokes a token through the Effect API.
 */
import { createVercelAuth } from "@vercel-auth/adapter"
import * as Effect from "effect/Effect"

const vercel = createVercelAuth({ token: process.env.VERCEL_TOKEN ?? "" })
const deleted = await Effect.runPromise(vercel.effect.tokens.delete(process.argv[2] ?? "current"))
process.stdout.write(`${deleted.tokenId}\n`)
await vercel.dispose()
