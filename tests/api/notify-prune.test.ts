/**
 * Outbox pruning: finished rows (sent, skipped, failed) older than OUTBOX_RETENTION_DAYS go, in
 * bounded batches; pending and digested rows and anything younger stay; the inbox is untouched.
 */
import { like, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../../api/_db/schema';
import { pruneOutbox } from '../../api/_notices/prune';
import { type Actors, loadActors } from '../support/actors';
import { createTestApp, DB_UNAVAILABLE } from '../support/harness';

const DAY = 86_400_000;

describe.skipIf(DB_UNAVAILABLE)('pruneOutbox', () => {
  let t: Awaited<ReturnType<typeof createTestApp>>;
  let a: Actors;
  const now = new Date('2026-12-01T04:00:00Z');

  beforeAll(async () => {
    t = await createTestApp({ env: { OUTBOX_RETENTION_DAYS: '30' } });
    a = await loadActors(t.db);
  });
  afterAll(() => t?.close());

  const put = async (status: string, ageDays: number, tag: string) => {
    await t.db.execute(sql`
      insert into outbox (event_id, user_id, kind, collapse_key, data, page, status, created_at)
      values (gen_random_uuid(), ${a.villager}::uuid, 'notice_published', ${tag}, '{}'::jsonb, 'pages/home/index',
        ${status}::outbox_status, ${new Date(now.getTime() - ageDays * DAY)})`);
  };
  const left = async () => {
    const rows = await t.db
      .select({ key: outbox.collapseKey })
      .from(outbox)
      .where(like(outbox.collapseKey, 'prune:%'))
      .orderBy(outbox.collapseKey);
    return rows.map((r) => r.key);
  };

  it('deletes only finished rows past the retention, in bounded batches', async () => {
    for (const status of ['sent', 'skipped', 'failed', 'pending', 'digested']) {
      await put(status, 31, `prune:old-${status}`);
      await put(status, 29, `prune:new-${status}`);
    }
    for (let i = 0; i < 5; i++) await put('sent', 40, `prune:batch-${i}`);

    const first = await pruneOutbox(t.deps, { now, batch: 4 });
    expect(first.deleted).toBe(4);
    const rest = await pruneOutbox(t.deps, { now, batch: 100 });
    expect(rest.deleted).toBe(4);
    expect((await pruneOutbox(t.deps, { now })).deleted).toBe(0);

    expect(await left()).toEqual([
      'prune:new-digested',
      'prune:new-failed',
      'prune:new-pending',
      'prune:new-sent',
      'prune:new-skipped',
      'prune:old-digested',
      'prune:old-pending',
    ]);
  });
});
