/**
 * Shared helpers of the adapter's tests: a loopback MockVercelServer per test, clients with short
 * policies that are always disposed, bounded polling, and a guard against unhandled rejections.
 */
import { afterAll, beforeAll, expect } from "@effect/vitest"
import { createVercelAuth, type VercelAuthClient } from "@vercel-auth/adapter"
import { MockVercelServer } from "@vercel-auth/testing"

export const TOKEN = "vcp_SECRET_adapter_0123456789abcdef"
export const OTHER_TOKEN = "vcp_OTHER_adapter_fedcba9876543210"

/** Short waits, so retries and timeouts take milliseconds on the real clock. */
export const fast = { baseDelay: 10, maxDelay: 50, attemptTimeout: 2_000, deadline: 5_000 } as const

/** Runs `body` with a fresh server, closing it (and every hung connection) however `body` ends. */
export const withServer = async <A>(
  options: MockVercelServer.Options,
  body: (server: MockVercelServer.Server) => Promise<A>
): Promise<A> => {
  const server = await MockVercelServer.start(options)
  try {
    return await body(server)
  } finally {
    await server.close()
  }
}

/** Runs `body` with a client of `options`, disposing it however `body` ends. */
export const withClient = async <A>(
  options: VercelAuthClient.Options,
  body: (vercel: VercelAuthClient.VercelAuthClient) => Promise<A>
): Promise<A> => {
  const vercel = createVercelAuth(options)
  try {
    return await body(vercel)
  } finally {
    await vercel.dispose()
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms))

/** Polls `condition` every 10 ms, failing after `timeoutMs`. */
export const eventually = async (condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> => {
  for (let waited = 0; waited <= timeoutMs; waited += 10) {
    if (condition()) return
    await sleep(10)
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
}

/** Lets the event loop run for `ms`, to show that nothing more happens meanwhile. */
export const quietFor = sleep

/** The rejection of `promise`, failing the test if it resolves. */
export const rejection = (promise: Promise<unknown>): Promise<unknown> =>
  promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)}`)
    },
    (error: unknown) => error
  )

/** Registers a listener for the file's tests and checks, after them, that no rejection went unhandled. */
export const expectNoUnhandledRejections = (): void => {
  const seen: Array<unknown> = []
  const listener = (reason: unknown) => {
    seen.push(reason)
  }
  beforeAll(() => {
    process.on("unhandledRejection", listener)
  })
  afterAll(async () => {
    // Rejections are reported after a macrotask; give the last test's ones the time to show up.
    await sleep(50)
    process.off("unhandledRejection", listener)
    expect(seen).toEqual([])
  })
}
