import * as Either from "effect/Either"

const loopbackHosts = new Set(["localhost", "127.0.0.1", "[::1]"])

const isLoopback = (hostname: string): boolean =>
  loopbackHosts.has(hostname) || hostname.endsWith(".localhost") || /^127(?:\.\d{1,3}){3}$/.test(hostname)

/**
 * Accepts an absolute http(s) URL with no query or fragment and returns it without a trailing slash.
 * Plain http is refused unless the host is loopback: the bearer token would otherwise cross the
 * network in clear text.
 */
export const normalizeBaseUrl = (input: string): Either.Either<string, string> => {
  let url: URL
  try {
    url = new URL(input)
  } catch {
    return Either.left(
      `baseUrl must be an absolute http(s) URL such as "https://api.vercel.com", got ${
        JSON.stringify(input.slice(0, 100))
      }`
    )
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    return Either.left(`baseUrl must use https (or http on a loopback host), got "${url.protocol}"`)
  }
  if (url.protocol === "http:" && !isLoopback(url.hostname)) {
    return Either.left(
      `baseUrl "${url.origin}" uses plain http on a non-loopback host, which would send the token in clear text; use https`
    )
  }
  if (url.username !== "" || url.password !== "") {
    return Either.left("baseUrl must not contain credentials; pass the token as the `token` option")
  }
  if (url.search !== "" || url.hash !== "") {
    return Either.left("baseUrl must not contain a query string or fragment")
  }
  return Either.right(url.href.replace(/\/+$/, ""))
}
