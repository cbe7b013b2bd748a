/**
 * The notify job: drains the outbox into WeChat subscribe messages. Run by the cron endpoint
 * (api/_notices/cron-routes.ts), `npm run jobs:notify`, or in-process by the Node server; never by
 * the request that caused a notification.
 *
 * drainOutbox — outcomes per row:
 *   sent      WeChat took it (errcode 0); a one-time consent is spent in the same transaction.
 *   skipped   push_off (user setting) · collapsed (same person + collapse key pushed within the
 *             hour, or being pushed now) · no_openid · no_template (kind has none configured) ·
 *             no_consent (nothing left to spend) · refused (43101: the consent is zeroed).
 *   deferred  quiet hours (21:00–07:00 Beijing, unless urgent): due again at 07:00.
 *   digested  the user wants a daily digest for this kind; sendDigests picks it up.
 *   failed    WeChat will never take it (47003 data, 40037 template, 41030 page, 40003 openid), or
 *             MAX_SEND_ATTEMPTS transient failures in a row. Logged at error level.
 *   retried   transient failure (-1, 45011, HTTP ≠ 200, network, timeout): due again after
 *             backoffMs(attempts).
 *
 * Delivery is at least once, and twice only when WeChat's answer was lost:
 * 1. Claim (one short transaction, serialised between drainers by an advisory lock, rows taken
 *    with FOR UPDATE SKIP LOCKED): every rule is applied and a row to send gets `attempts + 1` and
 *    a lease (`next_attempt_at = now + LEASE_MS`), so no other drainer picks it up meanwhile.
 *    Collapse and consent budgets count rows already leased by other drainers, so two drainers
 *    never push the same burst twice nor spend one consent twice.
 * 2. Send, outside any transaction (a slow WeChat never holds a database connection or lock).
 *    A row whose turn comes after its lease would have run out is released unsent.
 * 3. Mark, right after WeChat answers, guarded by `status = 'pending' and attempts = <ours>`.
 * A crash between 2 and 3 leaves the row leased; when the lease ends it is sent again. That is the
 * one window for a duplicate: WeChat received the message but we never recorded its answer
 * (process killed, database gone, or a timeout — WeChat may have delivered a message it never
 * answered). Every answer we do receive is recorded before the next send of that row can start,
 * and (event, person) is unique in the outbox, so a notification is never queued twice.
 *
 * sendDigests — between 18:00 and 21:00 Beijing time, one message per person per day ("您有N条新消息")
 * for their 'digested' rows: queued as an outbox row with a deterministic event id per person
 * and day (so a second run the same day adds nothing), sent by the drain like any other row; the
 * digested rows it summarises become 'sent' (last_error names the digest that carried them).
 */
import { createHash } from 'node:crypto';
import { and, eq, lte, sql } from 'drizzle-orm';
import {
  COLLAPSE_WINDOW_MS,
  MAX_SEND_ATTEMPTS,
  QUIET_START_HOUR,
  backoffMs,
  beijingHour,
  decideDelivery,
} from '../../shared/notices/rules';
import type { Deps } from '../_app/context';
import type { Db, Tx } from '../_db/client';
import { notifySettings, outbox, users } from '../_db/schema';
import type { SubscribeSendResult } from '../_wechat/client';
import { type SubscribeTemplate, templateData, templateTime } from '../_wechat/subscribe-templates';

export type DispatchDeps = Pick<Deps, 'db' | 'wechat' | 'config' | 'log'>;

export type DrainCounts = {
  sent: number;
  skipped: number;
  deferred: number;
  digested: number;
  failed: number;
  retried: number;
};

/** How long a claimed row stays reserved for the drainer that claimed it. */
export const LEASE_MS = 5 * 60_000;
export const DEFAULT_BATCH = 50;
/** Digests go out from this hour (Beijing) until quiet hours begin. */
export const DIGEST_HOUR = 18;
export const DIGEST_PAGE = '/pages/inbox/index';
/** Any constant: the advisory lock that serialises claims (and digest queuing) between drainers. */
const CLAIM_LOCK = 7_041_952_001;

const DIGEST_KEY = 'digest:';

type Claimed = {
  id: string;
  userId: string;
  kind: (typeof outbox.$inferSelect)['kind'];
  collapseKey: string;
  data: unknown;
  page: string;
  urgent: boolean;
  attempts: number;
  createdAt: Date;
  openid: string | null;
  quietHours: boolean;
  push: boolean | null;
  digest: boolean | null;
};

type ToSend = Claimed & { template: SubscribeTemplate; oneTime: boolean; claimedAttempts: number };

type Update = { status: 'pending' | 'skipped' | 'digested'; lastError: string | null; nextAttemptAt?: Date };

const emptyCounts = (): DrainCounts => ({
  sent: 0,
  skipped: 0,
  deferred: 0,
  digested: 0,
  failed: 0,
  retried: 0,
});

const uuidList = (ids: string[]) =>
  sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  );

function rowsOf<T>(r: unknown): T[] {
  return ((r as { rows?: T[] }).rows ?? []) as T[];
}

/**
 * Claims up to `n` due rows and decides each one. Rows to send come back leased; every other
 * decision is written before the transaction ends.
 */
async function claimBatch(
  deps: DispatchDeps,
  now: Date,
  n: number,
  counts: DrainCounts,
): Promise<{ claimed: number; toSend: ToSend[] }> {
  const templates = deps.config.wechat.subscribeTemplates;
  return deps.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${CLAIM_LOCK})`);
    const rows: Claimed[] = await tx
      .select({
        id: outbox.id,
        userId: outbox.userId,
        kind: outbox.kind,
        collapseKey: outbox.collapseKey,
        data: outbox.data,
        page: outbox.page,
        urgent: outbox.urgent,
        attempts: outbox.attempts,
        createdAt: outbox.createdAt,
        openid: users.openid,
        quietHours: users.quietHours,
        push: notifySettings.push,
        digest: notifySettings.digest,
      })
      .from(outbox)
      .innerJoin(users, eq(users.id, outbox.userId))
      .leftJoin(
        notifySettings,
        and(eq(notifySettings.userId, outbox.userId), eq(notifySettings.kind, outbox.kind)),
      )
      .where(and(eq(outbox.status, 'pending'), lte(outbox.nextAttemptAt, now)))
      .orderBy(outbox.nextAttemptAt, outbox.createdAt)
      .limit(n)
      .for('update', { of: outbox, skipLocked: true });
    if (rows.length === 0) return { claimed: 0, toSend: [] };

    const ids = rows.map((r) => r.id);
    const userIds = [...new Set(rows.map((r) => r.userId))];
    const pairs = [...new Map(rows.map((r) => [`${r.userId}|${r.collapseKey}`, r])).values()];

    // When each (person, collapse key) was last pushed — or is being pushed right now.
    const windowStart = new Date(now.getTime() - COLLAPSE_WINDOW_MS);
    const lastPushed = new Map<string, Date>();
    for (const h of rowsOf<{ user_id: string; collapse_key: string; last: Date | string }>(
      await tx.execute(sql`
        select user_id, collapse_key,
          max(case when status = 'sent' then sent_at else ${now} end) as last
        from outbox
        where (user_id, collapse_key) in (${sql.join(
          pairs.map((p) => sql`(${p.userId}::uuid, ${p.collapseKey})`),
          sql`, `,
        )})
          and id not in (${uuidList(ids)})
          and ((status = 'sent' and sent_at > ${windowStart}) or (status = 'pending' and attempts > 0))
        group by user_id, collapse_key`),
    )) {
      lastPushed.set(`${h.user_id}|${h.collapse_key}`, new Date(h.last));
    }

    // Consents, less what rows leased by other drainers (or waiting to retry) will spend.
    const consents = new Map<string, { kind: 'one_time' | 'long_term'; available: number }>();
    for (const c of rowsOf<{
      user_id: string;
      template_id: string;
      kind: 'one_time' | 'long_term';
      remaining: number;
    }>(
      await tx.execute(sql`
        select user_id, template_id, kind, remaining from subscribe_consents
        where user_id in (${uuidList(userIds)})`),
    )) {
      consents.set(`${c.user_id}|${c.template_id}`, { kind: c.kind, available: Number(c.remaining) });
    }
    for (const f of rowsOf<{ user_id: string; kind: Claimed['kind']; n: number }>(
      await tx.execute(sql`
        select user_id, kind, count(*)::int as n from outbox
        where user_id in (${uuidList(userIds)}) and status = 'pending' and attempts > 0
          and id not in (${uuidList(ids)})
        group by user_id, kind`),
    )) {
      const t = templates[f.kind];
      const c = t && consents.get(`${f.user_id}|${t.id}`);
      if (c && c.kind === 'one_time') c.available -= Number(f.n);
    }

    const updates = new Map<string, { u: Update; ids: string[] }>();
    const put = (id: string, u: Update) => {
      const k = `${u.status}|${u.lastError}|${u.nextAttemptAt?.getTime() ?? ''}`;
      const g = updates.get(k) ?? { u, ids: [] };
      g.ids.push(id);
      updates.set(k, g);
    };
    const toSend: ToSend[] = [];

    // Newest first: of a burst claimed together, the latest news is the one pushed.
    const ordered = [...rows].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
    for (const r of ordered) {
      const key = `${r.userId}|${r.collapseKey}`;
      if (!r.openid) {
        put(r.id, { status: 'skipped', lastError: 'no_openid' });
        counts.skipped++;
        continue;
      }
      const isDigest = r.collapseKey.startsWith(DIGEST_KEY);
      const d = decideDelivery({
        now,
        urgent: r.urgent,
        quietHoursOn: r.quietHours,
        push: r.push ?? true,
        digest: isDigest ? false : (r.digest ?? false),
        lastSentSameKeyAt: lastPushed.get(key) ?? null,
      });
      if (d.action === 'skip') {
        put(r.id, { status: 'skipped', lastError: d.reason });
        counts.skipped++;
        continue;
      }
      if (d.action === 'digest') {
        put(r.id, { status: 'digested', lastError: null });
        counts.digested++;
        continue;
      }
      if (d.action === 'defer') {
        put(r.id, { status: 'pending', lastError: `deferred:${d.reason}`, nextAttemptAt: d.until });
        counts.deferred++;
        continue;
      }
      const template = templates[r.kind];
      if (!template) {
        put(r.id, { status: 'skipped', lastError: 'no_template' });
        counts.skipped++;
        continue;
      }
      const consent = consents.get(`${r.userId}|${template.id}`);
      const oneTime = consent?.kind !== 'long_term';
      if (!consent || (oneTime && consent.available <= 0)) {
        put(r.id, { status: 'skipped', lastError: 'no_consent' });
        counts.skipped++;
        continue;
      }
      if (oneTime) consent.available -= 1;
      lastPushed.set(key, now);
      toSend.push({ ...r, template, oneTime, claimedAttempts: r.attempts + 1 });
    }

    for (const { u, ids: group } of updates.values()) {
      await tx.execute(sql`
        update outbox set status = ${u.status}::outbox_status, last_error = ${u.lastError}
          ${u.nextAttemptAt ? sql`, next_attempt_at = ${u.nextAttemptAt}` : sql``}
        where id in (${uuidList(group)})`);
    }
    if (toSend.length) {
      await tx.execute(sql`
        update outbox set attempts = attempts + 1, next_attempt_at = ${new Date(now.getTime() + LEASE_MS)}
        where id in (${uuidList(toSend.map((r) => r.id))})`);
    }
    return { claimed: rows.length, toSend };
  });
}

/** Records WeChat's answer for one row; false when the row was no longer ours (lease lost). */
async function mark(
  deps: DispatchDeps,
  r: ToSend,
  res: SubscribeSendResult,
  now: Date,
  counts: DrainCounts,
): Promise<void> {
  const mine = and(eq(outbox.id, r.id), eq(outbox.status, 'pending'), eq(outbox.attempts, r.claimedAttempts));
  const lost = () =>
    deps.log('warn', 'outbox row was re-claimed before its answer was recorded', { outboxId: r.id });

  if (res.ok) {
    const spend = async (tx: Db | Tx) => {
      const done = await tx
        .update(outbox)
        .set({ status: 'sent', sentAt: now, lastError: null })
        .where(mine)
        .returning({ id: outbox.id });
      if (done.length === 0) return false;
      if (r.oneTime) {
        await tx.execute(sql`
          update subscribe_consents set remaining = greatest(remaining - 1, 0), updated_at = now()
          where user_id = ${r.userId} and template_id = ${r.template.id} and kind = 'one_time'`);
      }
      return true;
    };
    const ok = r.oneTime ? await deps.db.transaction(spend) : await spend(deps.db);
    if (ok) counts.sent++;
    else lost();
    return;
  }

  if (res.outcome === 'refused') {
    const ok = await deps.db.transaction(async (tx) => {
      const done = await tx
        .update(outbox)
        .set({ status: 'skipped', lastError: `refused: ${res.error}` })
        .where(mine)
        .returning({ id: outbox.id });
      if (done.length === 0) return false;
      // WeChat says there is no consent: record that, so the next message does not try.
      await tx.execute(sql`
        update subscribe_consents set kind = 'one_time', remaining = 0, updated_at = now()
        where user_id = ${r.userId} and template_id = ${r.template.id}`);
      return true;
    });
    if (ok) counts.skipped++;
    else lost();
    return;
  }

  const giveUp = res.outcome === 'permanent' || r.claimedAttempts >= MAX_SEND_ATTEMPTS;
  const done = await deps.db
    .update(outbox)
    .set(
      giveUp
        ? {
            status: 'failed',
            lastError:
              res.outcome === 'permanent'
                ? res.error
                : `gave up after ${r.claimedAttempts} attempts: ${res.error}`,
          }
        : { lastError: res.error, nextAttemptAt: new Date(now.getTime() + backoffMs(r.claimedAttempts)) },
    )
    .where(mine)
    .returning({ id: outbox.id });
  if (done.length === 0) return lost();
  if (giveUp) {
    counts.failed++;
    deps.log('error', 'subscribe message failed for good', {
      outboxId: r.id,
      kind: r.kind,
      templateId: r.template.id,
      attempts: r.claimedAttempts,
      errcode: res.errcode,
      error: res.error,
    });
  } else {
    counts.retried++;
  }
}

/** Gives a leased row back unsent (its turn came too late to finish within the lease or budget). */
async function release(deps: DispatchDeps, r: ToSend, now: Date): Promise<void> {
  await deps.db
    .update(outbox)
    .set({ attempts: r.attempts, nextAttemptAt: now })
    .where(and(eq(outbox.id, r.id), eq(outbox.status, 'pending'), eq(outbox.attempts, r.claimedAttempts)));
}

async function pool<T>(items: T[], concurrency: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

/**
 * Sends what is due, batch after batch, until nothing is due, `limit` rows were handled, or
 * `deadline` (epoch ms) passed. `now` fixes the clock (tests); by default each batch reads it.
 */
export async function drainOutbox(
  deps: DispatchDeps,
  opts: { now?: Date; limit?: number; batchSize?: number; deadline?: number } = {},
): Promise<DrainCounts> {
  const counts = emptyCounts();
  const limit = opts.limit ?? Number.POSITIVE_INFINITY;
  const batchSize = opts.batchSize ?? DEFAULT_BATCH;
  const concurrency = deps.config.notify.sendConcurrency;
  const { miniprogramState } = deps.config.wechat;
  let handled = 0;
  while (handled < limit && (opts.deadline === undefined || Date.now() < opts.deadline)) {
    const now = opts.now ?? new Date();
    const claimedAt = Date.now();
    const batch = await claimBatch(deps, now, Math.min(batchSize, limit - handled), counts);
    if (batch.claimed === 0) break;
    handled += batch.claimed;
    const transient: string[] = [];
    await pool(batch.toSend, concurrency, async (r) => {
      const late =
        Date.now() - claimedAt > LEASE_MS / 2 || (opts.deadline !== undefined && Date.now() > opts.deadline);
      if (late) return release(deps, r, now);
      let res: SubscribeSendResult;
      try {
        res = await deps.wechat.sendSubscribeMessage({
          touser: r.openid!,
          templateId: r.template.id,
          page: r.page,
          data: templateData(r.template, (r.data ?? {}) as Record<string, unknown>, r.createdAt),
          miniprogramState,
        });
      } catch (e) {
        deps.log('error', 'subscribe send threw', { outboxId: r.id, err: String(e) });
        res = { ok: false, outcome: 'transient', error: `bug: ${String(e)}`.slice(0, 200) };
      }
      if (!res.ok && res.outcome === 'transient') transient.push(res.error);
      try {
        await mark(deps, r, res, now, counts);
      } catch (e) {
        // The lease runs out and the row is tried again: at least once.
        deps.log('error', 'could not record a subscribe-message answer', { outboxId: r.id, err: String(e) });
      }
    });
    if (transient.length) {
      deps.log('warn', 'wechat subscribe send failed; will retry', {
        count: transient.length,
        first: transient[0],
      });
    }
  }
  return counts;
}

/** Beijing date, e.g. 2026-11-23. */
export function beijingDay(at: Date): string {
  return new Date(at.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

export function digestDue(at: Date): boolean {
  const h = beijingHour(at);
  return h >= DIGEST_HOUR && h < QUIET_START_HOUR;
}

/** A UUID derived from text (same text, same id): one digest per person per day. */
function uuidFrom(text: string): string {
  const h = createHash('sha256').update(text).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-5${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Queues today's digest message for everyone with digested rows (see the header). */
export async function sendDigests(
  deps: DispatchDeps,
  opts: { now?: Date } = {},
): Promise<{ users: number; rows: number }> {
  const now = opts.now ?? new Date();
  if (!digestDue(now)) return { users: 0, rows: 0 };
  const day = beijingDay(now);
  return deps.db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${CLAIM_LOCK})`);
    const waiting = rowsOf<{ user_id: string; n: number; kind: Claimed['kind'] }>(
      await tx.execute(sql`
        select user_id, count(*)::int as n,
          (array_agg(kind order by created_at desc))[1] as kind
        from outbox where status = 'digested' and created_at <= ${now}
        group by user_id`),
    );
    let queued = 0;
    let rows = 0;
    for (const w of waiting) {
      const eventId = uuidFrom(`digest:${w.user_id}:${day}`);
      const inserted = await tx
        .insert(outbox)
        .values({
          eventId,
          userId: w.user_id,
          kind: w.kind,
          collapseKey: `${DIGEST_KEY}${day}`,
          data: {
            title: `您有${w.n}条新消息`,
            time: templateTime(now),
            note: '打开村民参与查看',
            status: '待查看',
          },
          page: DIGEST_PAGE,
          nextAttemptAt: now,
        })
        .onConflictDoNothing()
        .returning({ id: outbox.id });
      // Already had today's digest: these rows wait for tomorrow's.
      if (inserted.length === 0) continue;
      const marked = await tx
        .update(outbox)
        .set({ status: 'sent', sentAt: now, lastError: `in digest ${eventId}` })
        .where(and(eq(outbox.userId, w.user_id), eq(outbox.status, 'digested'), lte(outbox.createdAt, now)))
        .returning({ id: outbox.id });
      queued++;
      rows += marked.length;
    }
    if (queued) deps.log('info', 'digests queued', { day, users: queued, rows });
    return { users: queued, rows };
  });
}
