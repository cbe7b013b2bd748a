/**
 * Runs one route through every actor: the ones not allowed must be refused — FORBIDDEN for
 * members of the village, NOT_FOUND for everyone outside it (another village's ids do not exist
 * for them). Allowed actors are checked by the caller (writes change state).
 */
import { expect } from 'vitest';
import { ALL_ACTOR_KEYS, type ActorKey, type Actors } from './actors';
import type { TestApp } from './harness';

const OUTSIDE: ActorKey[] = ['outsider', 'town_officer', 'county_officer', 'newcomer'];

export async function expectRefusedForAllBut(
  t: TestApp,
  actors: Actors,
  allowed: ActorKey[],
  call: (token: string) => Promise<{ status: number; body: { error?: { code: string } } }>,
) {
  const checked: string[] = [];
  for (const key of ALL_ACTOR_KEYS) {
    if (allowed.includes(key)) continue;
    const token = await t.loginAs(actors[key]);
    const res = await call(token);
    const expected = OUTSIDE.includes(key) ? ['NOT_FOUND', 404] : ['FORBIDDEN', 403];
    expect({ actor: key, status: res.status, code: res.body.error?.code }).toEqual({
      actor: key,
      status: expected[1],
      code: expected[0],
    });
    checked.push(key);
  }
  // Anonymous callers are refused before anything else.
  const anon = await call('');
  expect(anon.status).toBe(401);
  return checked;
}
