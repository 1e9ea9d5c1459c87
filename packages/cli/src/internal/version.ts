/** Kept in step with package.json by a test, so `--version` and the User-Agent never lie. */
export const packageVersion = "0.1.0"
export const userAgent = `vercel-auth-cli/${packageVersion}`
