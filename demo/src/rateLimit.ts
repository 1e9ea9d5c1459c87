/**
 * The embedded server's rate limit: a fixed window per token, shared by every route.
 */
import type { MockVercelServer } from "@vercel-auth/testing"

/**
 * Small, so that a bulk revocation of three tokens (the reads before it, and two retries) overruns a
 * window and the pacing shows; large enough for the three listings before it (two requests each);
 * short, so that waiting a window out keeps the demo at seconds. Vercel's windows are about a minute;
 * the client's gate is the same code either way.
 */
export const rateLimit: MockVercelServer.RateLimit = { limit: 6, windowMs: 2_000 }
