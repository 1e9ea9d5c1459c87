/**
 * Bundle-size entry: a program that only revokes a token through the Promise API.
 */
import { createVercelAuth } from "@vercel-auth/adapter"

const vercel = createVercelAuth({ token: process.env.VERCEL_TOKEN ?? "" })
const deleted = await vercel.tokens.delete(process.argv[2] ?? "current")
process.stdout.write(`${deleted.tokenId}\n`)
await vercel.dispose()
