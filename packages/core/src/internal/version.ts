/** Kept in step with package.json by a test, so the User-Agent never lies about the version. */
export const packageName = "@vercel-auth/core"
export const packageVersion = "0.1.0"
export const defaultUserAgent = `${packageName}/${packageVersion}`
