/**
 * Cadres edit and retire services. Editing: the fields sent change, the audit log keeps from/to,
 * names stay unique among active services. Retiring: the service leaves the catalogue, its future
 * bookings and waitlist places are cancelled by the village and the people told (kind
 * booking_cancelled) with the next free slots of the replacement, if one was named; the name can
 * be used again. Errors, refusals for every role and another village, and a retirement racing
 * with villagers booking (no booking survives on a retired service).
 */
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  auditLog,
  inboxEntries,
  memberships,
  serviceBookings,
  serviceWaitlist,
  services,
} from '../../api/_db/schema';
import { expectRefusedForAllBut } from '../support/access';
import { type Actors, loadActors } from '../support/actors';
import { DB_UNAVAILABLE, TEST_DB, type TestApp, createTestApp } from '../support/harness';
import { createTestService, loginMany, plainVillagers, slotAt } from '../support/services-fixtures';

describe.skipIf(DB_UNAVAILABLE)(`services: edit and retire (${TEST_DB})`, () => {
  let t: TestApp;
  let a: Actors;
  let base: string;
  let people: string[];
  const key = () => ({ 'idempotency-key': crypto.randomUUID() });

  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
    base = `/api/villages/${a.village.id}`;
    people = await plainVillagers(t.db, a.village.id, 30, [a.villager]);
  });
  afterAll(() => t.close());

  const cadre = () => t.loginAs(a.cadre);
  const patch = async (serviceId: string, body: object, token?: string) =>
    t.request('PATCH', `${base}/services/${serviceId}`, {
      token: token ?? (await cadre()),
      headers: key(),
      body,
    });
  const retire = async (serviceId: string, body: object, token?: string) =>
    t.request('POST', `${base}/services/${serviceId}/retire`, {
      token: token ?? (await cadre()),
      headers: key(),
      body,
    });
  const book = async (userId: string, serviceId: string, startsAt: string) =>
    t.request('POST', `${base}/services/${serviceId}/bookings`, {
      token: await t.loginAs(userId),
      headers: key(),
      body: { startsAt },
    });
  const catalogueNames = async () =>
    (await t.request('GET', `${base}/services`, { token: await t.loginAs(a.villager) })).body.items.map(
      (s: { name: string }) => s.name,
    ) as string[];
  const inbox = (userId: string) => t.db.select().from(inboxEntries).where(eq(inboxEntries.userId, userId));

  describe('edit', () => {
    it('a cadre changes what to bring, who serves and the name; villagers see it; the audit keeps from and to', async () => {
      const id = await createTestService(t, a, { name: '老年证办理' });
      const res = await patch(id, {
        name: '老年优待证办理',
        materials: ['身份证', '一寸照片'],
        servedBy: '文书 王小红',
        durationMinutes: 20,
        icon: 'id',
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id,
        name: '老年优待证办理',
        materials: ['身份证', '一寸照片'],
        servedBy: '文书 王小红',
        durationMinutes: 20,
        icon: 'id',
        bookable: true,
      });
      expect(res.body.hours).toHaveLength(7);
      const names = await catalogueNames();
      expect(names).toContain('老年优待证办理');
      expect(names).not.toContain('老年证办理');
      const [row] = await t.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, 'service.update'), eq(auditLog.targetId, id)));
      expect(row).toMatchObject({ actorUserId: a.cadre, villageId: a.village.id });
      expect((row!.details as { changed: Record<string, unknown> }).changed).toMatchObject({
        name: { from: '老年证办理', to: '老年优待证办理' },
        servedBy: { from: '文书 李桂兰', to: '文书 王小红' },
      });
    });

    it('people with a booking to come hear what changed that matters to them (not the icon)', async () => {
      // A second cadre of the village, so this test does not spend the first one's write budget.
      const deputy = people[29]!;
      await t.db.insert(memberships).values({ userId: deputy, role: 'cadre', villageId: a.village.id });
      const id = await createTestService(t, a, { name: '高龄补贴申请', cadre: deputy });
      const coming = people[10]!;
      const alsoComing = people[11]!;
      const cancelled = people[12]!;
      expect((await book(coming, id, slotAt(3, '09:00'))).status).toBe(201);
      expect((await book(alsoComing, id, slotAt(4, '09:00'))).status).toBe(201);
      const gone = await book(cancelled, id, slotAt(3, '10:00'));
      await t.request('POST', `${base}/bookings/${gone.body.id}/cancel`, {
        token: await t.loginAs(cancelled),
        headers: key(),
      });
      const changedKind = async (userId: string) =>
        (await inbox(userId)).filter((e) => e.kind === 'service_changed' && e.objectId === id);

      const changed = await patch(
        id,
        { icon: 'id', materials: ['身份证', '银行卡'], servedBy: '文书 王小红' },
        await t.loginAs(deputy),
      );
      expect(changed.status).toBe(200);
      const [entry] = await changedKind(coming);
      expect(entry).toMatchObject({
        title: '你预约的「高龄补贴申请」有变化',
        summary: '要带的材料：身份证、银行卡；接待人：文书 王小红',
        objectType: 'service',
      });
      expect(await changedKind(alsoComing)).toHaveLength(1);
      expect(await changedKind(cancelled)).toEqual([]);
      expect(await changedKind(deputy)).toEqual([]);
    });

    it('turning bookings off stops new bookings but keeps those already made', async () => {
      const id = await createTestService(t, a);
      const startsAt = slotAt(5, '10:00');
      const kept = await book(people[0]!, id, startsAt);
      expect(kept.status).toBe(201);
      expect((await patch(id, { bookable: false, errand: true })).body).toMatchObject({
        bookable: false,
        errand: true,
      });
      const refused = await book(people[1]!, id, startsAt);
      expect(refused.body.error.code).toBe('SERVICE_NOT_OFFERED');
      const [b] = await t.db.select().from(serviceBookings).where(eq(serviceBookings.id, kept.body.id));
      expect(b!.status).toBe('booked');
    });

    it('an unchanged edit writes no audit entry', async () => {
      const id = await createTestService(t, a, { name: '农机补贴咨询' });
      const res = await patch(id, { name: '农机补贴咨询', servedBy: '文书 李桂兰' });
      expect(res.status).toBe(200);
      const rows = await t.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, 'service.update'), eq(auditLog.targetId, id)));
      expect(rows).toEqual([]);
    });

    it('errors: nothing to change, bad fields, a name another service has, an unknown or retired service', async () => {
      const id = await createTestService(t, a, { name: '残疾证咨询' });
      const empty = await patch(id, {});
      expect(empty.status).toBe(400);
      expect(empty.body.error.code).toBe('VALIDATION_FAILED');
      for (const body of [
        { name: '' },
        { name: '名'.repeat(21) },
        { durationMinutes: 0 },
        { materials: Array(13).fill('材料') },
        { icon: 'rocket' },
        { slotMinutes: 20 },
        { active: false },
      ]) {
        const r = await patch(id, body);
        expect({ body, status: r.status, code: r.body.error?.code }).toEqual({
          body,
          status: 400,
          code: 'VALIDATION_FAILED',
        });
      }
      const dup = await patch(id, { name: '社保认证' });
      expect(dup.status).toBe(409);
      expect(dup.body.error).toMatchObject({ code: 'CONFLICT', message: '已经有同名的服务了' });
      expect((await patch(crypto.randomUUID(), { summary: '无' })).status).toBe(404);
      const retired = await createTestService(t, a);
      expect((await retire(retired, { reason: '测试' })).status).toBe(200);
      expect((await patch(retired, { summary: '无' })).status).toBe(404);
      const [unchanged] = await t.db.select().from(services).where(eq(services.id, id));
      expect(unchanged!.name).toBe('残疾证咨询');
    });
  });

  describe('retire', () => {
    it('cancels future bookings and waitlist places, tells everyone with the replacement’s next free slots', async () => {
      const old = await createTestService(t, a, { name: '开具无犯罪证明', capacity: 1 });
      const replacement = await createTestService(t, a, { name: '证明开具（新）', capacity: 2 });
      const s1 = slotAt(4, '09:00');
      const s2 = slotAt(5, '19:00');
      const b1 = await book(people[2]!, old, s1);
      const b2 = await book(people[3]!, old, s2);
      const w = await t.request('POST', `${base}/services/${old}/waitlist`, {
        token: await t.loginAs(people[4]!),
        headers: key(),
        body: { startsAt: s2 },
      });
      expect(w.status).toBe(201);

      const res = await retire(old, { reason: '改由镇里办理', replacementId: replacement });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ id: old, cancelled: 2, notified: 3 });

      for (const [who, id] of [
        [people[2]!, b1.body.id],
        [people[3]!, b2.body.id],
      ] as const) {
        const [row] = await t.db.select().from(serviceBookings).where(eq(serviceBookings.id, id));
        expect(row).toMatchObject({ status: 'cancelled', cancelledBy: a.cadre });
        expect(row!.cancelReason).toContain('改由镇里办理');
        const told = (await inbox(who)).filter((e) => e.kind === 'booking_cancelled');
        expect(told).toHaveLength(1);
        expect(told[0]!.title).toBe('预约取消了：开具无犯罪证明');
        expect(told[0]!.summary).toMatch(/可以改约到“证明开具（新）”：\d+月\d+日/);
        // 我的预约 still shows it, cancelled, with the reason.
        const mine = await t.request('GET', `${base}/bookings/mine`, { token: await t.loginAs(who) });
        expect(mine.body.items.find((b: { id: string }) => b.id === id)).toMatchObject({
          status: 'cancelled',
          canChange: false,
        });
      }
      const waiting = (await inbox(people[4]!)).filter((e) => e.kind === 'booking_cancelled');
      expect(waiting.map((e) => e.title)).toEqual(['排队取消了：开具无犯罪证明']);
      const [entry] = await t.db.select().from(serviceWaitlist).where(eq(serviceWaitlist.id, w.body.id));
      expect(entry!.status).toBe('expired');

      // Gone from the catalogue and from every villager path.
      expect(await catalogueNames()).not.toContain('开具无犯罪证明');
      const token = await t.loginAs(people[5]!);
      expect((await t.request('GET', `${base}/services/${old}`, { token })).status).toBe(404);
      expect((await t.request('GET', `${base}/services/${old}/slots`, { token })).status).toBe(404);
      expect((await book(people[5]!, old, slotAt(6, '09:00'))).status).toBe(404);
      const move = await t.request('POST', `${base}/bookings/${b1.body.id}/reschedule`, {
        token: await t.loginAs(people[2]!),
        headers: key(),
        body: { startsAt: slotAt(6, '10:00') },
      });
      expect(move.body.error.code).toBe('CONFLICT');

      const [row] = await t.db.select().from(services).where(eq(services.id, old));
      expect(row).toMatchObject({ active: false, retiredReason: '改由镇里办理' });
      const [logged] = await t.db
        .select()
        .from(auditLog)
        .where(and(eq(auditLog.action, 'service.retire'), eq(auditLog.targetId, old)));
      expect(logged!.details).toMatchObject({
        reason: '改由镇里办理',
        replacementId: replacement,
        cancelledBookings: 2,
        notified: 3,
      });
      // The replacement is untouched and bookable.
      expect((await book(people[2]!, replacement, slotAt(6, '09:00'))).status).toBe(201);
    });

    it('without a replacement the notice says to ask the village; the name can be used again', async () => {
      const old = await createTestService(t, a, { name: '土地确权咨询' });
      await book(people[6]!, old, slotAt(3, '14:00'));
      const res = await retire(old, { reason: '确权已完成' });
      expect(res.body).toEqual({ id: old, cancelled: 1, notified: 1 });
      const [told] = (await inbox(people[6]!)).filter((e) => e.kind === 'booking_cancelled');
      expect(told!.summary).toContain('这项服务不再办理，有事请联系村里');
      const again = await t.request('POST', `${base}/services`, {
        token: await cadre(),
        headers: key(),
        body: { name: '土地确权咨询' },
      });
      expect(again.status).toBe(201);
      expect(again.body.id).not.toBe(old);
    });

    it('a service nobody booked is retired quietly', async () => {
      const old = await createTestService(t, a);
      expect((await retire(old, { reason: '没人办' })).body).toEqual({ id: old, cancelled: 0, notified: 0 });
    });

    it('errors: no reason, replaced by itself, by an unknown, another village’s or an errand-only service, retired twice', async () => {
      const id = await createTestService(t, a);
      const noReason = await retire(id, {});
      expect(noReason.body.error.code).toBe('VALIDATION_FAILED');
      expect((await retire(id, { reason: '  ' })).status).toBe(400);
      expect((await retire(id, { reason: '测试', replacementId: 'x' })).status).toBe(400);
      const self = await retire(id, { reason: '测试', replacementId: id });
      expect(self.status).toBe(400);
      const [yl] = await t.db.select().from(services).where(eq(services.villageId, a.other.id)).limit(1);
      const [errandOnly] = await t.db
        .select()
        .from(services)
        .where(and(eq(services.villageId, a.village.id), eq(services.bookable, false)))
        .limit(1);
      expect(errandOnly).toBeTruthy();
      for (const replacementId of [crypto.randomUUID(), yl!.id, errandOnly!.id]) {
        const r = await retire(id, { reason: '测试', replacementId });
        expect(r.status).toBe(404);
        expect(r.body.error.message).toBe('没有找到替代的服务');
      }
      const [still] = await t.db.select().from(services).where(eq(services.id, id));
      expect(still!.active).toBe(true);
      expect((await retire(id, { reason: '测试' })).status).toBe(200);
      expect((await retire(id, { reason: '测试' })).status).toBe(404);
      expect((await retire(crypto.randomUUID(), { reason: '测试' })).status).toBe(404);
    });

    it('a retirement racing with villagers booking leaves no booking on the retired service', async () => {
      const id = await createTestService(t, a, { capacity: 30 });
      const startsAt = slotAt(2, '10:00');
      const racers = people.slice(7, 27);
      const tokens = await loginMany(t, racers);
      const bookOne = (token: string, i: number) =>
        t.request('POST', `${base}/services/${id}/bookings`, {
          token,
          headers: key(),
          body: { startsAt: i % 2 ? startsAt : slotAt(2, '10:30') },
        });
      // The retirement is sent in the middle of the rush.
      const half = tokens.length / 2;
      const first = tokens.slice(0, half).map(bookOne);
      const retiring = retire(id, { reason: '临时停办' });
      const second = tokens.slice(half).map((tk, i) => bookOne(tk, i + half));
      const [answers, retired] = await Promise.all([Promise.all([...first, ...second]), retiring]);
      expect(retired.status).toBe(200);
      const tally: Record<string, number> = {};
      for (const r of answers) {
        const k = r.status === 201 ? 'booked' : `${r.status} ${r.body.error?.code}`;
        tally[k] = (tally[k] ?? 0) + 1;
      }
      // Every answer is a booking (then cancelled) or not found: nothing else, no 500.
      expect(Object.keys(tally).every((k) => k === 'booked' || k === '404 NOT_FOUND')).toBe(true);
      const made = answers.filter((r) => r.status === 201).map((r) => r.body.id as string);
      const active = await t.db
        .select()
        .from(serviceBookings)
        .where(
          and(eq(serviceBookings.serviceId, id), inArray(serviceBookings.status, ['booked', 'checked_in'])),
        );
      expect(active).toEqual([]);
      expect(retired.body.cancelled).toBe(made.length);
      if (made.length) {
        const rows = await t.db.select().from(serviceBookings).where(inArray(serviceBookings.id, made));
        expect(rows.every((b) => b.status === 'cancelled')).toBe(true);
        const told = await t.db
          .select()
          .from(inboxEntries)
          .where(and(eq(inboxEntries.kind, 'booking_cancelled'), inArray(inboxEntries.userId, racers)));
        expect(new Set(told.map((e) => e.userId))).toEqual(new Set(rows.map((b) => b.userId)));
      }
    });
  });

  describe('the service row orders a retirement and bookings', () => {
    it('bookings that arrive while a retirement holds the service wait, then find it gone', async () => {
      const id = await createTestService(t, a, { capacity: 10 });
      const tokens = await loginMany(t, people.slice(27, 30));
      let answers: Promise<{ status: number; body: { error?: { code: string } } }[]> | undefined;
      await t.db.transaction(async (tx) => {
        // What retireService does first: hold the row for update.
        await tx.select({ id: services.id }).from(services).where(eq(services.id, id)).for('update');
        answers = Promise.all(
          tokens.map((token) =>
            t.request('POST', `${base}/services/${id}/bookings`, {
              token,
              headers: key(),
              body: { startsAt: slotAt(2, '15:00') },
            }),
          ),
        );
        await new Promise((r) => setTimeout(r, 300));
        await tx.update(services).set({ active: false }).where(eq(services.id, id));
      });
      const got = await answers!;
      expect(got.map((r) => `${r.status} ${r.body.error?.code}`)).toEqual(Array(3).fill('404 NOT_FOUND'));
      const rows = await t.db.select().from(serviceBookings).where(eq(serviceBookings.serviceId, id));
      expect(rows).toEqual([]);
    });
  });

  describe('refusals for every role and another village', () => {
    it('editing and retiring: cadres of this village only; refused calls change nothing', async () => {
      const id = await createTestService(t, a, { name: '权限测试服务' });
      await expectRefusedForAllBut(t, a, ['cadre'], async (token) => patch(id, { name: '不该改成' }, token));
      await expectRefusedForAllBut(t, a, ['cadre'], async (token) => retire(id, { reason: '不该停' }, token));
      const [row] = await t.db.select().from(services).where(eq(services.id, id));
      expect(row).toMatchObject({ name: '权限测试服务', active: true });
    });

    it('a cadre of another village: this village’s service is not found, also through their own village', async () => {
      const id = await createTestService(t, a, { name: '跨村测试服务' });
      const token = await t.loginAs(a.outsider);
      expect((await patch(id, { name: '跨村改名' }, token)).status).toBe(404);
      expect((await retire(id, { reason: '跨村' }, token)).status).toBe(404);
      const viaOwn = await t.request('PATCH', `/api/villages/${a.other.id}/services/${id}`, {
        token,
        headers: key(),
        body: { name: '跨村改名' },
      });
      expect(viaOwn.status).toBe(404);
      const retireViaOwn = await t.request('POST', `/api/villages/${a.other.id}/services/${id}/retire`, {
        token,
        headers: key(),
        body: { reason: '跨村' },
      });
      expect(retireViaOwn.status).toBe(404);
      const [row] = await t.db.select().from(services).where(eq(services.id, id));
      expect(row).toMatchObject({ name: '跨村测试服务', active: true });
    });
  });
});
