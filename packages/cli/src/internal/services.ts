/**
 * Everything the CLI needs from core and the adapter at run time, behind one module that `Session`
 * loads with a dynamic `import()`. In the bundle that import is a chunk of its own (and undici, which
 * the adapter imports the same way, another): a run that sends nothing (a usage mistake) never loads
 * the client, its schemas or undici, which keeps it short.
 */
export { TokenService, VercelAuthNode } from "@vercel-auth/adapter"
export * as VercelConfig from "@vercel-auth/core/VercelConfig"
