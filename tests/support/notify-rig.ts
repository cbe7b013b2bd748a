/**
 * Pieces the notify suites share: the API wired to a fake WeChat server that knows this
 * deployment's templates, consents given on both sides (our record through the API, WeChat's in
 * the fake), a clock in Beijing time, and counting what WeChat accepted.
 */
import { eq, inArray, sql } from 'drizzle-orm';
import { outbox, subscribeConsents, users } from '../../api/_db/schema';
import type { NotifyKind } from '../../shared/notices/rules';
import { DEFAULT_SUBSCRIBE_TEMPLATES } from '../../api/_wechat/subscribe-templates';
import { type FakeWechat, startFakeWechat } from './fake-wechat';
import type { FakeWechatOptions } from './fake-wechat';
import { createTestApp, type TestApp, type TestAppOptions } from './harness';

export const APP_ID = 'wx-test-app';
export const APP_SECRET = 'test-secret';
export const CRON_SECRET = 'cron-secret-for-tests-0123456789';

export const TEMPLATE_KEYS: Record<string, string[]> = Object.fromEntries(
  Object.values(DEFAULT_SUBSCRIBE_TEMPLATES).map((t) => [t.id, Object.values(t.fields)]),
);

export const templateOf = (kind: NotifyKind) => DEFAULT_SUBSCRIBE_TEMPLATES[kind]!;

export type Rig = { t: TestApp; fake: FakeWechat; close(): Promise<void> };

export async function startRig(
  o: { fake?: FakeWechatOptions; app?: TestAppOptions; env?: Record<string, string> } = {},
): Promise<Rig> {
  const fake = await startFakeWechat({
    appId: APP_ID,
    secret: APP_SECRET,
    subscribeTemplates: TEMPLATE_KEYS,
    ...o.fake,
  });
  const t = await createTestApp({
    ...o.app,
    wechatBase: fake.baseUrl,
    env: {
      WECHAT_APP_ID: APP_ID,
      WECHAT_APP_SECRET: APP_SECRET,
      // Generous: PGlite runs on this thread and can hold up the fake's answers.
      WECHAT_TIMEOUT_MS: '1500',
      CRON_SECRET,
      NOTIFY_SEND_CONCURRENCY: '4',
      ...o.env,
      ...o.app?.env,
    },
  });
  return {
    t,
    fake,
    close: async () => {
      await t.close();
      await fake.close();
    },
  };
}

export async function openidOf(t: TestApp, userId: string): Promise<string> {
  const [u] = await t.db.select({ openid: users.openid }).from(users).where(eq(users.id, userId));
  if (!u?.openid) throw new Error(`user ${userId} has no openid`);
  return u.openid;
}

/** The user accepts `kind`'s template in the mini-program: recorded through the API and in WeChat. */
export async function consentVia(
  rig: Rig,
  userId: string,
  kind: NotifyKind,
  answer: 'accept' | 'reject' = 'accept',
) {
  const tpl = templateOf(kind);
  const token = await rig.t.loginAs(userId);
  const res = await rig.t.request('POST', '/api/me/subscribe-consents', {
    token,
    body: { results: { [tpl.id]: answer } },
    headers: { 'idempotency-key': crypto.randomUUID() },
  });
  if (res.status !== 200) throw new Error(`consent: ${res.status} ${JSON.stringify(res.body)}`);
  rig.fake.state.subscriptions.consent(
    await openidOf(rig.t, userId),
    tpl.id,
    answer,
    tpl.longTerm ? 'long_term' : 'one_time',
  );
  return res.body;
}

/** Many users at once (direct inserts): `times` one-time consents each, or long-term. */
export async function consentMany(rig: Rig, userIds: string[], kind: NotifyKind, times = 1) {
  const tpl = templateOf(kind);
  if (userIds.length === 0) return;
  const longTerm = tpl.longTerm;
  await rig.t.db
    .insert(subscribeConsents)
    .values(
      userIds.map((userId) => ({
        userId,
        templateId: tpl.id,
        kind: longTerm ? ('long_term' as const) : ('one_time' as const),
        remaining: longTerm ? 0 : times,
      })),
    )
    .onConflictDoNothing();
  const rows = await rig.t.db.select({ openid: users.openid }).from(users).where(inArray(users.id, userIds));
  for (const r of rows) {
    for (let i = 0; i < (longTerm ? 1 : times); i++) {
      rig.fake.state.subscriptions.consent(r.openid!, tpl.id, 'accept', longTerm ? 'long_term' : 'one_time');
    }
  }
}

/** `hour:minute` Beijing time, `dayOffset` days from today (Beijing): future by default, so rows are due. */
export function beijing(hour: number, minute = 0, dayOffset = 1): Date {
  const nowBj = new Date(Date.now() + 8 * 3600_000);
  const base = Date.UTC(
    nowBj.getUTCFullYear(),
    nowBj.getUTCMonth(),
    nowBj.getUTCDate() + dayOffset,
    hour,
    minute,
  );
  return new Date(base - 8 * 3600_000);
}

export async function clearOutbox(t: TestApp) {
  await t.db.execute(sql`delete from outbox`);
  await t.db.execute(sql`delete from inbox_entries`);
}

export async function outboxRows(t: TestApp, eventId?: string) {
  const q = t.db.select().from(outbox);
  return eventId ? q.where(eq(outbox.eventId, eventId)) : q;
}

/** WeChat-accepted messages per openid, for messages opening `page`. */
export function deliveriesByUser(fake: FakeWechat, page?: string): Map<string, number> {
  const m = new Map<string, number>();
  for (const d of fake.state.subscriptions.delivered) {
    if (page !== undefined && d.page !== page) continue;
    m.set(d.touser, (m.get(d.touser) ?? 0) + 1);
  }
  return m;
}
