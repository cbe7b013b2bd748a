/**
 * Who may do what on the disclosure routes, for every role and another village: only cadres draft,
 * edit, correct, submit and manage the power list; only supervisors review; drafts are for cadres
 * and supervisors of the village (another village's are not found); members record reads; public
 * reads need no sign-in but an unknown village is not found.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { POWER_TEMPLATE } from '../../shared/disclosures/power-template';
import { expectRefusedForAllBut } from '../support/access';
import { type Actors, loadActors } from '../support/actors';
import { disclosureApi, ledgerFor } from '../support/disclosures';
import { DB_UNAVAILABLE, type TestApp, createTestApp } from '../support/harness';

const MEMBERS = ['villager', 'representative', 'party_member', 'grid_worker', 'cadre', 'supervisor'] as const;

describe.skipIf(DB_UNAVAILABLE)('disclosure access', () => {
  let t: TestApp;
  let a: Actors;
  let api: ReturnType<typeof disclosureApi>;
  let cadre: string;
  let draftId: string;

  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
    api = disclosureApi(t, a.village.id);
    cadre = await t.loginAs(a.cadre);
    const c = await api.create(cadre, {
      kind: 'finance',
      period: '2024-08',
      title: '2024年8月财务',
      ledger: ledgerFor('2024-08', 0),
    });
    draftId = c.body.disclosureId;
  });
  afterAll(() => t.close());

  it('only cadres draft', async () => {
    let n = 0;
    await expectRefusedForAllBut(t, a, ['cadre'], (token) =>
      api.create(token, { kind: 'affairs', period: `2019-0${++n}`, title: '村务公开', body: '内容' }),
    );
  });

  it('only cadres edit, submit and correct; only supervisors review', async () => {
    const body = { title: '2024年8月财务', ledger: ledgerFor('2024-08', 0) };
    await expectRefusedForAllBut(t, a, ['cadre'], (token) => api.edit(token, draftId, body));
    await expectRefusedForAllBut(t, a, ['cadre'], (token) =>
      api.correct(token, draftId, { ...body, reason: '更正原因' }),
    );
    await expectRefusedForAllBut(t, a, ['cadre'], (token) => api.submit(token, draftId));
    expect((await api.submit(cadre, draftId)).body.status).toBe('submitted');
    await expectRefusedForAllBut(t, a, ['supervisor'], (token) =>
      api.review(token, draftId, 'return', '请补凭证'),
    );
  });

  it('drafts are for the village’s cadres and supervisors; another village’s are not found', async () => {
    await expectRefusedForAllBut(t, a, ['cadre', 'supervisor'], (token) =>
      t.request('GET', `${api.base}/drafts`, { token }),
    );
    await expectRefusedForAllBut(t, a, ['cadre', 'supervisor'], (token) => api.draft(token, draftId));
    // The other village's cadre, asking through their own village, still finds nothing of ours.
    const outsider = await t.loginAs(a.outsider);
    const own = `/api/villages/${a.other.id}/disclosures/${draftId}`;
    expect((await t.request('GET', `${own}/draft`, { token: outsider })).status).toBe(404);
    expect(
      (
        await t.request('PUT', `${own}/draft`, {
          token: outsider,
          body: { title: '改别村的', ledger: ledgerFor('2024-08', 0) },
        })
      ).status,
    ).toBe(404);
    expect((await t.request('POST', `${own}/submit`, { token: outsider })).status).toBe(404);
    const list = await t.request('GET', `/api/villages/${a.other.id}/disclosures/drafts`, {
      token: outsider,
    });
    expect(list.body.items.map((d: { disclosureId: string }) => d.disclosureId)).not.toContain(draftId);
    // Nor is an unpublished draft on any public read.
    expect((await api.detail(draftId)).status).toBe(404);
    expect((await t.request('GET', `${api.base}/${draftId}/print`)).status).toBe(404);
  });

  it('schedule: cadres set it, cadres and supervisors read it', async () => {
    const schedule = { finance: 'quarter', affairs: 'quarter', party: 'quarter' };
    await expectRefusedForAllBut(t, a, ['cadre'], (token) =>
      t.request('PUT', `${api.base}/schedule`, { token, body: schedule }),
    );
    await expectRefusedForAllBut(t, a, ['cadre', 'supervisor'], (token) =>
      t.request('GET', `${api.base}/schedule`, { token }),
    );
    const set = await t.request('PUT', `${api.base}/schedule`, { token: cadre, body: schedule });
    expect(set.body.schedule).toEqual(schedule);
    const bad = await t.request('PUT', `${api.base}/schedule`, {
      token: cadre,
      body: { ...schedule, finance: 'year' },
    });
    expect(bad.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: '请选择按月或按季度' });
  });

  it('power list: public to read, cadres adopt, add and edit', async () => {
    const base = `/api/villages/${a.village.id}/power-items`;
    const list = await t.request('GET', base);
    expect(list.body.items).toHaveLength(POWER_TEMPLATE.length);
    const item = { ...POWER_TEMPLATE[8]!, key: undefined, title: '出具证明（本村）' };
    delete (item as { key?: string }).key;
    await expectRefusedForAllBut(t, a, ['cadre'], (token) => t.request('POST', `${base}/adopt`, { token }));
    await expectRefusedForAllBut(t, a, ['cadre'], (token) => t.request('POST', base, { token, body: item }));
    const target = list.body.items[8].id;
    await expectRefusedForAllBut(t, a, ['cadre'], (token) =>
      t.request('PUT', `${base}/${target}`, { token, body: item }),
    );
    const edited = await t.request('PUT', `${base}/${target}`, {
      token: cadre,
      body: { ...item, responsible: '村委会副主任' },
    });
    expect(edited.body).toMatchObject({
      title: '出具证明（本村）',
      responsible: '村委会副主任',
      key: 'certificates',
    });
    // Adopting again keeps the village's edits and adds nothing twice.
    const again = await t.request('POST', `${base}/adopt`, { token: cadre });
    expect(again.body.items).toHaveLength(POWER_TEMPLATE.length);
    expect(again.body.items.find((i: { id: string }) => i.id === target).responsible).toBe('村委会副主任');
    const added = await t.request('POST', base, { token: cadre, body: { ...item, title: '农机补贴申请' } });
    expect(added.status).toBe(201);
    const noSteps = await t.request('POST', base, { token: cadre, body: { ...item, steps: [] } });
    expect(noSteps.body.error).toMatchObject({ code: 'VALIDATION_FAILED', message: '至少一个步骤' });
    // Another village's item id is not found through this village.
    const other = await t.request('GET', `/api/villages/${a.other.id}/power-items`);
    const outsider = await t.loginAs(a.outsider);
    expect(
      (
        await t.request('PUT', `/api/villages/${a.other.id}/power-items/${target}`, {
          token: outsider,
          body: item,
        })
      ).status,
    ).toBe(404);
    expect(other.body.items.map((i: { id: string }) => i.id)).not.toContain(target);
  });

  it('members record reads; questions are for villagers of the village; public reads need no sign-in', async () => {
    const board = await api.board();
    const published = board.body.items[0].id;
    await expectRefusedForAllBut(t, a, [...MEMBERS], (token) =>
      t.request('POST', `${api.base}/${published}/read`, { token }),
    );
    await expectRefusedForAllBut(t, a, [...MEMBERS], (token) =>
      t.request('POST', `${api.base}/${published}/questions`, {
        token,
        body: { versionNo: 1, lineNo: 1, text: '这笔钱' },
      }),
    );
    const unknown = '00000000-0000-4000-8000-000000000000';
    expect((await t.request('GET', `/api/villages/${unknown}/disclosures/board`)).status).toBe(404);
    expect((await t.request('GET', `/api/villages/${unknown}/disclosures/verify`)).status).toBe(404);
    expect((await t.request('GET', `/api/villages/${unknown}/power-items`)).status).toBe(404);
    expect((await t.request('GET', `/api/villages/not-a-uuid/disclosures/board`)).body.error.code).toBe(
      'VALIDATION_FAILED',
    );
  });

  it('the town’s overdue view is for officers of that town', async () => {
    const town = await t.loginAs(a.town_officer);
    const res = await t.request('GET', `/api/towns/${a.village.townId}/disclosures/overdue`, { token: town });
    expect(res.status).toBe(200);
    expect(res.body.villages.map((v: { villageId: string }) => v.villageId)).toContain(a.village.id);
    // The demo's 西坪村 started its board three months earlier and published only last month.
    expect(res.body.villages[0].villageName).toBe('西坪村');
    const months = res.body.villages[0].overdue.filter((o: { kind: string }) => o.kind === 'finance');
    expect(months).toHaveLength(3);
    for (const key of ['villager', 'cadre', 'supervisor', 'county_officer', 'outsider'] as const) {
      const token = await t.loginAs(a[key]);
      expect(
        (await t.request('GET', `/api/towns/${a.village.townId}/disclosures/overdue`, { token })).status,
      ).toBe(404);
    }
  });
});
