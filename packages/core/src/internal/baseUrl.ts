import * as Either from "effect/Either"

const loopbackHosts = new Set(["localhost", "127.0.0.1", "[::1]"])

const isLoopback = (hostname: string): boolean =>
  loopbackHosts.has(hostname) || hostname.endsWith(".localhost") || /^127(?:\.\d{1,3}){3}$/.test(hostname)

/**
 * Accepts an absolute http(s) URL with no path, query or fragment and returns its origin.
 * Plain http is refused unless the host is loopback: the bearer token would otherwise cross the
 * network in clear text.
 */
export const normalizeBaseUrl = (input: string): Either.Either<string, string> => {
  let url: URL
  try {
    url = new URL(input)
  } catch {
    return Either.left(
      `must be an absolute http(s) URL such as "https://api.vercel.com", got ${JSON.stringify(input.slice(0, 100))}`
    )
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return Either.left(`must use https (or http on a loopback host), got "${url.protocol}"`)
  }
  if (url.protocol === "http:" && !isLoopback(url.hostname)) {
    return Either.left(
      `"${url.origin}" uses plain http on a non-loopback host, which would send the token in clear text; use https`
    )
  }
  if (url.username !== "" || url.password !== "") {
    return Either.left("must not contain credentials; pass the token as the `token` option")
  }
  if (url.search !== "" || url.hash !== "") {
    return Either.left("must not contain a query string or fragment")
  }
  // Vercel's API has no path prefix: "https://api.vercel.com/v3" would turn every call into a 404.
  if (url.pathname !== "/") {
    return Either.left(
      `must be an origin without a path, such as "https://api.vercel.com", got path "${url.pathname.slice(0, 100)}"`
    )
  }
  return Either.right(url.origin)
}
