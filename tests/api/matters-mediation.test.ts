/**
 * Mediation (分级调解): each rung's sessions are recorded with date, place, participants, what was
 * said and the outcome, and show on the timeline; a failed rung goes one rung up. Bad sessions are
 * refused with nothing written; only the rung's holders may record; a dispute about a cadre is
 * mediated by the supervision committee, not the cadres.
 */
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentChecks, mediationSessions } from '../../api/_db/schema';
import { expectRefusedForAllBut } from '../support/access';
import { type Actors, loadActors, plainVillagerInGridOf } from '../support/actors';
import { DB_UNAVAILABLE, TEST_DB, type TestApp, createTestApp } from '../support/harness';
import { matterKit } from '../support/matters';

const session = (over: Record<string, unknown> = {}) => ({
  heldOn: '2026-11-20',
  place: '村委会调解室',
  participants: ['王秀英', '李建国', '网格员张海燕'],
  said: '双方说明了宅基地边界的来历，同意请村里丈量',
  outcome: 'partly_agreed',
  ...over,
});

describe.skipIf(DB_UNAVAILABLE)(`matters: mediation sessions (${TEST_DB})`, () => {
  let t: TestApp;
  let a: Actors;
  let author: string;
  let k: ReturnType<typeof matterKit>;

  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
    author = await plainVillagerInGridOf(t.db, a.village.id, a.grid_worker);
    k = matterKit(t, a.village.id);
  });
  afterAll(() => t?.close());

  const dispute = async (text: string, extra: Record<string, unknown> = {}) => {
    const id = await k.raise(author, { kind: 'dispute', category: 'land', text, ...extra });
    return id;
  };
  const sessionCount = async (id: string) =>
    (await t.db.select().from(mediationSessions).where(eq(mediationSessions.matterId, id))).length;

  it('sessions on each rung are recorded and shown on the timeline; a failed rung goes up; success resolves', async () => {
    const id = await dispute('邻居盖房占了我家宅基地半米');
    await k.run(id, [
      [a.grid_worker, 'accept'],
      [a.grid_worker, 'route_mediate'],
    ]);
    const first = await k.act(a.grid_worker, id, { action: 'record_session', session: session() });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ state: 'mediating', level: 'grid' });
    await k.run(id, [[a.grid_worker, 'mediation_failed', '双方不接受网格调解']]);
    const second = await k.act(a.cadre, id, {
      action: 'record_session',
      note: '村调委会第一次调解',
      session: session({
        heldOn: '2026-11-25',
        place: '村委会会议室',
        participants: ['王秀英', '李建国', '调委会主任'],
        outcome: 'agreed',
        said: '丈量后确认越界30厘米，李家同意拆除围墙重砌',
      }),
    });
    expect(second.status).toBe(200);
    await k.run(id, [[a.cadre, 'mediation_succeeded', '双方签了调解协议']]);

    const seen = (await k.detail(author, id)).body;
    expect(seen.state).toBe('resolved');
    const sessions = seen.timeline.filter((e: { action: string }) => e.action === 'record_session');
    expect(sessions).toHaveLength(2);
    expect(sessions[0]).toMatchObject({
      label: '已进行一次调解',
      note: '2026-11-20 在村委会调解室调解，部分达成一致',
      session: {
        rung: 'grid',
        heldOn: '2026-11-20',
        place: '村委会调解室',
        participants: ['王秀英', '李建国', '网格员张海燕'],
        outcome: 'partly_agreed',
        outcomeLabel: '部分达成一致',
      },
    });
    expect(sessions[1]).toMatchObject({
      note: '村调委会第一次调解',
      session: { rung: 'village', outcome: 'agreed', outcomeLabel: '双方达成一致' },
    });
    expect(seen.timeline.map((e: { label: string }) => e.label)).toContain('调解未成，已转村调解委员会调解');
    expect(await sessionCount(id)).toBe(2);
  });

  it('bad sessions are refused with a clear message and nothing is written', async () => {
    const id = await dispute('两家为排水沟吵架');
    await k.run(id, [
      [a.grid_worker, 'accept'],
      [a.grid_worker, 'route_mediate'],
    ]);
    const cases: [Record<string, unknown>, string][] = [
      [{ action: 'record_session' }, '请填写调解记录'],
      [{ action: 'record_session', session: session({ participants: [] }) }, '请填写参加调解的人'],
      [{ action: 'record_session', session: session({ place: ' ' }) }, '请填写调解地点'],
      [{ action: 'record_session', session: session({ heldOn: '20日' }) }, '请填写调解日期'],
      [{ action: 'record_session', session: session({ outcome: 'won' }) }, '请选择调解结果'],
      [{ action: 'record_session', session: session({ said: '说'.repeat(1001) }) }, '经过不能超过1000个字'],
      [{ action: 'mediation_failed', note: '没谈拢', session: session() }, '只有记录调解时才填调解记录'],
    ];
    for (const [body, message] of cases) {
      const res = await k.act(a.grid_worker, id, body as { action: string });
      expect({
        body,
        status: res.status,
        code: res.body.error?.code,
        message: res.body.error?.message,
      }).toEqual({ body, status: 400, code: 'VALIDATION_FAILED', message });
    }
    expect(await sessionCount(id)).toBe(0);
    // Not mediating (yet or any more): refused as moved on, nothing written.
    const fresh = await dispute('还没受理的纠纷');
    const early = await k.act(a.grid_worker, fresh, { action: 'record_session', session: session() });
    expect(early.status).toBe(409);
    expect(early.body.error.code).toBe('TRANSITION_NOT_ALLOWED');
    expect(await sessionCount(fresh)).toBe(0);
  });

  it('only the rung’s holders may record a session; everyone else is refused', async () => {
    const id = await dispute('公开的纠纷：地界', { visibility: 'public' });
    await t.db.update(contentChecks).set({ status: 'pass' }).where(eq(contentChecks.targetId, id));
    await k.run(id, [
      [a.grid_worker, 'accept'],
      [a.grid_worker, 'route_mediate'],
    ]);
    const refused = await expectRefusedForAllBut(t, a, ['grid_worker', 'cadre'], (token) =>
      t.request('POST', `${k.base}/${id}/actions`, {
        token,
        body: { action: 'record_session', session: session() },
      }),
    );
    expect(refused).toContain('villager');
    expect(await sessionCount(id)).toBe(0);
    // Members who see it as a public matter get no session details.
    await k.act(a.grid_worker, id, { action: 'record_session', session: session() });
    const masked = (await k.detail(a.representative, id)).body;
    expect(masked.masked).toBe(true);
    const row = masked.timeline.find((e: { action: string }) => e.action === 'record_session');
    expect(row.note).toBeNull();
    expect(row.session).toBeUndefined();
  });

  it('a dispute about a cadre: the supervision committee mediates; the village’s cadres cannot', async () => {
    const id = await dispute('村干部和我家的地界纠纷', { aboutCadre: true });
    await k.run(id, [
      [a.supervisor, 'accept'],
      [a.supervisor, 'route_mediate'],
    ]);
    const byCadre = await k.act(a.cadre, id, { action: 'record_session', session: session() });
    expect(byCadre.status).toBe(404);
    const bySupervisor = await k.act(a.supervisor, id, { action: 'record_session', session: session() });
    expect(bySupervisor.status).toBe(200);
    expect((await k.detail(a.cadre, id)).status).toBe(404);
    expect(await sessionCount(id)).toBe(1);
  });
});
