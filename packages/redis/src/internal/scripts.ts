/**
 * The gate's state machine in Lua, one script per store operation, so that each `take`, `give` and
 * `hold` is atomic across every process on the credential. The rules are those of core's memory
 * store (`@vercel-auth/core`, `internal/gate/memoryStore.ts`); what differs is only where they live:
 *
 * - KEYS[1], a hash per credential and bucket: `closedUntil`, `needsProbe`, `probeLease` (the lease of
 *   the probe out, if any), `limit` (the last `X-RateLimit-Limit`), `seen` (an answer came back once),
 *   and the learned window `wId`, `wLimit`, `wRemaining`, `wResetAt`, `wEarliestResetAt`, `wPresumed`,
 *   `wProbed`.
 * - KEYS[2], a sorted set of the permits in flight: member = lease id, score = when the lease expires.
 *   Requests in flight are the leases not yet expired, so a crashed process holds nothing for longer
 *   than `leaseMs`, and a late `give` of an expired lease cannot count anything twice.
 *
 * Every instant is on the clock of Redis (`TIME`), in epoch milliseconds: the callers pass durations
 * from their own `now` and get durations back, so the processes' clocks never meet. Both keys expire
 * `retainMs` after the last instant they know of (closed-until, the window's reset, the longest lease).
 */
import { createHash } from "node:crypto"

export interface Script {
  readonly name: string
  readonly lua: string
  readonly sha: string
}

const script = (name: string, lua: string): Script => ({
  name,
  lua,
  sha: createHash("sha1").update(lua).digest("hex")
})

// Shared by the three scripts: Redis's clock, reading and writing the bucket, and the keys' expiry.
const prelude = `
local state, leases = KEYS[1], KEYS[2]
local clock = redis.call("TIME")
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local maxTtl = 7 * 24 * 3600 * 1000
-- How long the others wait for the answer to a credential's lone first request.
local blindWait = 1000

local fields = {"closedUntil", "needsProbe", "probeLease", "limit", "seen",
  "wId", "wLimit", "wRemaining", "wResetAt", "wEarliestResetAt", "wPresumed", "wProbed", "firstAt"}
local windowFields = {"wId", "wLimit", "wRemaining", "wResetAt", "wEarliestResetAt", "wPresumed", "wProbed"}

-- %.17g round-trips every double: the default %.14g would round a window id or an instant.
local function fmt(x) return string.format("%.17g", x) end
local function flag(x) if x then return "1" end return "0" end

local function load()
  local v = redis.call("HMGET", state, unpack(fields))
  local b = {
    closedUntil = tonumber(v[1]) or 0,
    needsProbe = v[2] == "1",
    probeLease = v[3] or "",
    limit = tonumber(v[4]),
    seen = v[5] == "1",
    firstAt = tonumber(v[13]),
    window = nil
  }
  if v[6] then
    b.window = {
      id = tonumber(v[6]),
      limit = tonumber(v[7]),
      remaining = tonumber(v[8]),
      resetAt = tonumber(v[9]),
      earliestResetAt = tonumber(v[10]),
      presumed = v[11] == "1",
      probed = v[12] == "1"
    }
  end
  return b
end

local function save(b)
  local args = {"closedUntil", fmt(b.closedUntil), "needsProbe", flag(b.needsProbe), "probeLease", b.probeLease,
    "seen", flag(b.seen)}
  if b.firstAt then
    table.insert(args, "firstAt")
    table.insert(args, fmt(b.firstAt))
  end
  if b.limit then
    table.insert(args, "limit")
    table.insert(args, fmt(b.limit))
  end
  local w = b.window
  if w then
    local wLimit = ""
    if w.limit then wLimit = fmt(w.limit) end
    local more = {"wId", fmt(w.id), "wLimit", wLimit, "wRemaining", fmt(w.remaining), "wResetAt", fmt(w.resetAt),
      "wEarliestResetAt", fmt(w.earliestResetAt), "wPresumed", flag(w.presumed), "wProbed", flag(w.probed)}
    for _, x in ipairs(more) do table.insert(args, x) end
  else
    redis.call("HDEL", state, unpack(windowFields))
  end
  redis.call("HSET", state, unpack(args))
end

-- The state outlives every instant it knows of by retain ms: long enough to remember the limit
-- between bursts, short enough that an idle credential leaves nothing behind.
local function expire(b, retain)
  local last = now
  if b.closedUntil > last then last = b.closedUntil end
  local w = b.window
  if w and not w.presumed and w.resetAt > last then last = w.resetAt end
  local top = redis.call("ZRANGE", leases, -1, -1, "WITHSCORES")
  if top[2] and tonumber(top[2]) > last then last = tonumber(top[2]) end
  local ttl = math.ceil(last - now) + retain
  if ttl > maxTtl then ttl = maxTtl end
  redis.call("PEXPIRE", state, ttl)
  if top[2] then redis.call("PEXPIRE", leases, ttl) end
end
`

/**
 * take: ARGV = leaseId, leaseMs, earlyProbe ("1"/"0"), retainMs.
 * Returns {"go", probe, early}, {"hold", untilIn, limit or -1, remaining or -1} or {"pending", untilIn or -1}.
 */
export const take = script(
  "take",
  prelude + `
local leaseId, leaseMs, earlyProbe, retain = ARGV[1], tonumber(ARGV[2]), ARGV[3] == "1", tonumber(ARGV[4])
redis.call("ZREMRANGEBYSCORE", leases, "-inf", now)
local b = load()
local changed = false

local function go(probe, early)
  redis.call("ZADD", leases, now + leaseMs, leaseId)
  if probe then b.probeLease = leaseId end
  save(b)
  expire(b, retain)
  return {"go", flag(probe), flag(early)}
end

local function settle()
  if changed then
    save(b)
    expire(b, retain)
  end
end

if now < b.closedUntil then
  return {"hold", math.ceil(b.closedUntil - now), b.limit or -1, 0}
end
if b.probeLease ~= "" then
  local expiry = redis.call("ZSCORE", leases, b.probeLease)
  if expiry and not b.seen then
    -- The first request, slow to answer, holds the others for blindWait at most; then they go, as
    -- they would have without the gate (the memory store does the same).
    local blindAt = (b.firstAt or now) + blindWait
    if now < blindAt then return {"pending", math.ceil(math.min(tonumber(expiry), blindAt) - now)} end
    return go(false, false)
  end
  if expiry then return {"pending", math.ceil(tonumber(expiry) - now)} end
  -- The probe's lease ran out (its process crashed or hung): the probe role passes on.
  b.probeLease = ""
  changed = true
end
-- After a 429, one probe goes alone; so does the first request of a credential nobody has heard
-- back about, lest N processes each send a burst into a window none of them knows yet.
if not b.seen then b.firstAt = now end
if b.needsProbe or not b.seen then return go(true, false) end
local w = b.window
if w and not w.presumed and now >= w.resetAt then
  -- The window reset: the next one is presumed to hold the same limit, never an unlimited number.
  if b.limit then
    w = {id = w.id, limit = b.limit, remaining = b.limit, resetAt = 0, earliestResetAt = 0, presumed = true,
      probed = false}
  else
    w = nil
  end
  b.window = w
  changed = true
end
-- Requests in flight, in every process, will spend what the last answer said remains.
local inFlight = redis.call("ZCARD", leases)
if w == nil or w.remaining - inFlight > 0 then return go(false, false) end
if w.presumed then
  -- A presumed window spent in flight: its answers will say when it resets.
  settle()
  local first = redis.call("ZRANGE", leases, 0, 0, "WITHSCORES")
  if first[2] then return {"pending", math.ceil(tonumber(first[2]) - now)} end
  return {"pending", -1}
end
local early = earlyProbe and not w.probed
if early and now >= w.earliestResetAt then
  w.probed = true
  return go(true, true)
end
settle()
local untilAt = w.resetAt
if early then untilAt = w.earliestResetAt end
return {"hold", math.ceil(untilAt - now), w.limit or -1, w.remaining}
`
)

/**
 * give: ARGV = leaseId, probe, answered, hasWindow, limit ("" if unknown), remaining, resetIn,
 * earliestResetIn, windowId, windowIdIsLocal, closedIn ("" if no 429), retainMs, lost ("1": sent, answer lost).
 */
export const give = script(
  "give",
  prelude + `
local leaseId, probe, answered, hasWindow = ARGV[1], ARGV[2] == "1", ARGV[3] == "1", ARGV[4] == "1"
local closedIn, retain, lost = ARGV[11], tonumber(ARGV[12]), ARGV[13] == "1"
redis.call("ZREM", leases, leaseId)
local b = load()
if not hasWindow and lost and b.window then
  -- Sent, and its answer lost: the server may have counted it, so the window holds one request less.
  b.window.remaining = math.max(0, b.window.remaining - 1)
end
if hasWindow then
  local obs = {
    limit = tonumber(ARGV[5]),
    remaining = tonumber(ARGV[6]),
    resetAt = now + tonumber(ARGV[7]),
    earliestResetAt = now + tonumber(ARGV[8]),
    id = tonumber(ARGV[9]),
    presumed = false,
    probed = false
  }
  -- A window named by a local instant (a delta-seconds reset) is renamed on Redis's clock.
  if ARGV[10] == "1" then obs.id = now + obs.id end
  if obs.limit then b.limit = obs.limit end
  local cur = b.window
  -- Responses overtake each other: keep the newest window; within one, the tightest of what each said.
  if cur == nil or obs.id > cur.id then
    b.window = obs
  elseif obs.id == cur.id and not cur.presumed then
    b.window = {
      id = obs.id,
      limit = obs.limit,
      remaining = math.min(obs.remaining, cur.remaining),
      resetAt = math.min(obs.resetAt, cur.resetAt),
      earliestResetAt = math.max(obs.earliestResetAt, cur.earliestResetAt),
      presumed = false,
      probed = cur.probed
    }
  end
end
if closedIn ~= "" then
  local closeAt = now + tonumber(closedIn)
  if closeAt > b.closedUntil then b.closedUntil = closeAt end
  b.needsProbe = true
elseif probe and answered then
  b.needsProbe = false
end
-- A probe that failed without an answer hands the probe role on; a probe whose lease already ran
-- out must not end the probe another caller took over.
if probe and b.probeLease == leaseId then b.probeLease = "" end
if answered or hasWindow or closedIn ~= "" then b.seen = true end
save(b)
expire(b, retain)
return 1
`
)

/**
 * hold (reads only): ARGV = earlyProbe. Returns nil, or {untilIn, limit or -1, remaining}.
 */
export const hold = script(
  "hold",
  prelude + `
local earlyProbe = ARGV[1] == "1"
if redis.call("EXISTS", state) == 0 then return false end
local b = load()
if now < b.closedUntil then return {math.ceil(b.closedUntil - now), b.limit or -1, 0} end
local w = b.window
if w == nil or w.presumed or now >= w.resetAt then return false end
local inFlight = redis.call("ZCOUNT", leases, "(" .. fmt(now), "+inf")
if w.remaining - inFlight > 0 then return false end
local early = earlyProbe and not w.probed
if early and now >= w.earliestResetAt then return false end
local untilAt = w.resetAt
if early then untilAt = w.earliestResetAt end
return {math.ceil(untilAt - now), w.limit or -1, w.remaining}
`
)
