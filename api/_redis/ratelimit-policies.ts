/**
 * Every rate limit the API enforces, in one registry. A policy's Redis keys are
 * `rl:<area>:<action>:<identifier>:<window>`; the identifier (IP or user id) is chosen where the
 * policy is applied (api/_lib/rate-limit.ts). All use a sliding window (@upstash/ratelimit's
 * `slidingWindow`; the in-memory fallback computes the same approximation).
 *
 * Limits are per identifier, so they are sized for one person on one phone, with room for the
 * retries a weak rural connection causes (every write carries an idempotency key, so a retried
 * write costs a token but does no harm).
 */

export type RatelimitPolicy = {
  /** Requests allowed per window. */
  limit: number;
  /** Window length in seconds. */
  windowS: number;
  algorithm: 'sliding-window';
};

export const RATELIMIT_POLICIES = {
  /** WeChat login (code2Session), per IP: slows code replay and quota burn on WeChat's side. */
  'auth:login': { limit: 10, windowS: 60, algorithm: 'sliding-window' },
  /** Dev sign-in (never on in production), per IP; generous for test suites and demos. */
  'auth:dev': { limit: 60, windowS: 60, algorithm: 'sliding-window' },
  /** Ask to join a village, per user: a real person joins one village, rarely more. */
  'villages:join': { limit: 5, windowS: 600, algorithm: 'sliding-window' },
  /** Roster import (a spreadsheet of households), per user: heavy; a cadre fixing errors retries. */
  'roster:import': { limit: 20, windowS: 3600, algorithm: 'sliding-window' },
  /**
   * Raising a matter, per user: a villager rarely raises more than a few a day; a grid worker
   * raising for villagers (代办) on a round of visits stays well under this.
   */
  'matters:raise': { limit: 20, windowS: 3600, algorithm: 'sliding-window' },
  /**
   * Raising a matter, per village (all its members together): a flood from many accounts stops
   * here before it buries the responders. Counted only for members of the village.
   */
  'matters:raise-village': { limit: 200, windowS: 3600, algorithm: 'sliding-window' },
  /** Any other authenticated write, per user. */
  'write:default': { limit: 60, windowS: 60, algorithm: 'sliding-window' },
  /** Casting a ballot, per user: one ballot per vote, plus the retries of a weak connection. */
  'councils:cast': { limit: 30, windowS: 60, algorithm: 'sliding-window' },
  /** Server speech (read-aloud fallback, POST/GET /api/speech), per user, cached texts included.
   *  The player asks one sentence ahead (≈ one request per 5–30 s of listening), so 30 a minute
   *  is never reached by listening, only by a script. */
  'speech:synthesize': { limit: 30, windowS: 60, algorithm: 'sliding-window' },
  /** Photo / voice uploads, per user: a matter takes ≤ 9 photos + 1 voice, with retries on a weak signal. */
  'media:upload': { limit: 60, windowS: 600, algorithm: 'sliding-window' },
  /** Photo / voice uploads, per village: caps what one village can put into storage. */
  'media:upload-village': { limit: 600, windowS: 600, algorithm: 'sliding-window' },
} as const satisfies Record<string, RatelimitPolicy>;

export type RatelimitPolicyName = keyof typeof RATELIMIT_POLICIES;

/** `rl:<area>:<action>` — the key prefix of a policy (before the port's own prefix). */
export const ratelimitKeyPrefix = (policy: RatelimitPolicyName) => `rl:${policy}`;
