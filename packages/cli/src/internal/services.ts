/**
 * Everything the CLI needs from core and the adapter at run time, behind one module that `Session`
 * loads with a dynamic `import()`. In the bundle that import becomes a lazily initialised module: a
 * run that sends nothing (`--help`, a usage mistake) never evaluates the client, its schemas or
 * undici, which keeps start-up short.
 */
export { TokenService, VercelAuthNode } from "@vercel-auth/adapter"
export * as VercelConfig from "@vercel-auth/core/VercelConfig"
