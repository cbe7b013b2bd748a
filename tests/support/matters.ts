/** Small helpers the matters integration tests share: raise, act, read a row, read a timeline. */
import { asc, eq } from 'drizzle-orm';
import { expect } from 'vitest';
import { matterEvents, matters } from '../../api/_db/schema';
import type { TestApp } from './harness';

export function matterKit(t: TestApp, villageId: string) {
  const base = `/api/villages/${villageId}/matters`;
  const raise = async (
    authorId: string,
    body: Record<string, unknown> & { text: string },
  ): Promise<string> => {
    const res = await t.request('POST', base, {
      token: await t.loginAs(authorId),
      body: { kind: 'complaint', category: 'roads', ...body },
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body.id as string;
  };
  const act = async (userId: string, id: string, body: Record<string, unknown> & { action: string }) =>
    t.request('POST', `${base}/${id}/actions`, { token: await t.loginAs(userId), body });
  const run = async (id: string, steps: [string, string, string?][]) => {
    for (const [who, action, note] of steps) {
      const res = await act(who, id, note === undefined ? { action } : { action, note });
      expect({ action, status: res.status, error: res.body.error?.code }).toEqual({
        action,
        status: 200,
        error: undefined,
      });
    }
  };
  const row = async (id: string) => (await t.db.select().from(matters).where(eq(matters.id, id)))[0]!;
  const events = (id: string) =>
    t.db
      .select()
      .from(matterEvents)
      .where(eq(matterEvents.matterId, id))
      .orderBy(asc(matterEvents.createdAt), asc(matterEvents.id));
  const detail = async (userId: string, id: string) =>
    t.request('GET', `${base}/${id}`, { token: await t.loginAs(userId) });
  const inboxOf = async (userId: string) =>
    (await t.request('GET', '/api/inbox', { token: await t.loginAs(userId) })).body.items as {
      objectId: string;
      title: string;
      summary: string;
    }[];
  return { base, raise, act, run, row, events, detail, inboxOf };
}
