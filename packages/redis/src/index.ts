/**
 * @since 0.1.0
 */

/**
 * `RedisGate.make` / `RedisGate.layer`: the rate-limit gate of every process on one token, shared through Redis.
 *
 * @since 0.1.0
 */
export * as RedisGate from "./RedisGate.js"
