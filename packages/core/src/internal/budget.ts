/**
 * The retry budget shared by the calls of one client (gRPC's retry throttling): retries stop while
 * the service keeps failing, so that a sick server is not kept sick by our retries.
 */
import type { RetryBudget } from "../Resilience.js"

export interface Budget {
  /** Records a retryable failure. */
  readonly spend: () => void
  /** Records a success. */
  readonly earn: () => void
  readonly allowsRetry: () => boolean
  readonly tokens: () => number
}

export const makeBudget = ({ maxTokens, tokenRatio }: RetryBudget): Budget => {
  let tokens = maxTokens
  return {
    spend: () => {
      tokens = Math.max(0, tokens - 1)
    },
    earn: () => {
      tokens = Math.min(maxTokens, tokens + tokenRatio)
    },
    allowsRetry: () => tokens > maxTokens / 2,
    tokens: () => tokens
  }
}
