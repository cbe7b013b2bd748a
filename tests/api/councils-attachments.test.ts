/**
 * Stage attachments (四议两公开): a cadre uploads photos and documents (PDF, Word, Excel) for a
 * stage, recording the stage attaches them, and every member who may open the proposal sees them
 * in the stage record and fetches them; nobody outside the village does. Refusals: uploading them
 * is for cadres; wrong file types; every way an attachment id can be wrong (nothing written); a
 * role that does not own the stage; a petition still waiting for its content check.
 */
import { and, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { media, memberships, proposalStages, proposals } from '../../api/_db/schema';
import { sweepAbandonedMedia } from '../../api/_media/sweep';
import { expectRefusedForAllBut } from '../support/access';
import { ALL_ACTOR_KEYS, type Actors, loadActors } from '../support/actors';
import { DB_UNAVAILABLE, type TestApp, createTestApp } from '../support/harness';
import { sample, uploadTo } from '../support/media-samples';

const MEMBERS = ['villager', 'representative', 'party_member', 'grid_worker', 'cadre', 'supervisor'] as const;
const OUTSIDE = ['outsider', 'town_officer', 'county_officer', 'newcomer'] as const;
const today = new Date().toISOString().slice(0, 10);

describe.skipIf(DB_UNAVAILABLE)('councils: stage attachments', () => {
  let t: TestApp;
  let a: Actors;
  let base: string;
  /** A cadre who is a party member (records 提议), and another cadre. */
  let recorder: string;
  let otherCadre: string;
  const as = (id: string) => t.loginAs(id);

  const upload = async (
    userId: string,
    body: Uint8Array,
    o: { purpose?: string; filename?: string; fileName?: string; villageId?: string } = {},
  ) => {
    const res = await uploadTo(t, await as(userId), o.villageId ?? a.village.id, {
      purpose: o.purpose ?? 'stage_attachment',
      body,
      filename: o.filename,
      fileName: o.fileName,
    });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    return res.body as { id: string; name: string | null; status: string; mime: string };
  };
  const newProposal = async (title = '修建村东头水渠') => {
    const res = await t.request('POST', `${base}/proposals`, {
      token: await as(a.cadre),
      body: { title, text: '水渠年久失修，计划集体出资修建。' },
    });
    return res.body.id as string;
  };
  const record = async (userId: string, proposalId: string, attachmentIds: string[], stage = 'propose') =>
    t.request('POST', `${base}/proposals/${proposalId}/stages`, {
      token: await as(userId),
      body: { stage, heldOn: today, minutes: '党支部提议修建水渠', attachmentIds },
    });
  const fetchMedia = async (userId: string | null, id: string) => {
    const res = await t.app.request(`/api/media/${id}`, {
      headers: userId ? { authorization: `Bearer ${await as(userId)}` } : {},
    });
    return { status: res.status, headers: res.headers, bytes: Buffer.from(await res.arrayBuffer()) };
  };
  const unattached = async (ids: string[]) =>
    (await t.db.select().from(media).where(inArray(media.id, ids))).every(
      (m) => m.proposalStageId === null && m.attachedAt === null,
    );

  beforeAll(async () => {
    t = await createTestApp();
    a = await loadActors(t.db);
    base = `/api/villages/${a.village.id}`;
    const rows = await t.db
      .select({ userId: memberships.userId, role: memberships.role })
      .from(memberships)
      .where(eq(memberships.villageId, a.village.id));
    const cadres = [...new Set(rows.filter((r) => r.role === 'cadre').map((r) => r.userId))];
    recorder = rows.find((r) => r.role === 'party_member' && cadres.includes(r.userId))!.userId;
    otherCadre = cadres.find((c) => c !== recorder)!;
    expect(otherCadre).toBeTruthy();
  });
  afterAll(() => t.close());

  describe('upload → attach → visible', () => {
    let proposalId: string;
    const files: { id: string; bytes: Buffer }[] = [];

    it('a cadre uploads a photo and documents for a stage; a document keeps its name', async () => {
      const photo = sample.jpeg();
      const pdf = sample.pdf();
      const docx = sample.docx();
      const up1 = await upload(recorder, photo);
      expect(up1).toMatchObject({ mime: 'image/jpeg', name: null, status: 'pending_check' });
      // wx.uploadFile names the part after its temp file: the real name comes as `fileName`.
      const up2 = await upload(recorder, pdf, { filename: 'tmp_8f3a.pdf', fileName: '村两委会议记录.pdf' });
      expect(up2).toMatchObject({ mime: 'application/pdf', name: '村两委会议记录.pdf' });
      // In a browser the file part carries its own name.
      const up3 = await upload(recorder, docx, { filename: '表决情况.docx' });
      expect(up3).toMatchObject({
        mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
        name: '表决情况.docx',
      });
      const xlsx = await upload(recorder, sample.xlsx(), { filename: 'C:\\fakepath\\票数统计\u0007.xlsx' });
      expect(xlsx.name).toBe('票数统计.xlsx'); // no folders, no control characters
      files.push({ id: up1.id, bytes: photo }, { id: up2.id, bytes: pdf }, { id: up3.id, bytes: docx });
      proposalId = await newProposal();
    });

    it('recording the stage attaches them, in order; the stage record lists them', async () => {
      const res = await record(
        recorder,
        proposalId,
        files.map((f) => f.id),
      );
      expect(res.status, JSON.stringify(res.body)).toBe(200);
      expect(res.body.stages[0].attachments).toEqual([
        {
          id: files[0]!.id,
          kind: 'photo',
          mime: 'image/jpeg',
          name: null,
          size: 4096,
          url: `/api/media/${files[0]!.id}`,
        },
        {
          id: files[1]!.id,
          kind: 'file',
          mime: 'application/pdf',
          name: '村两委会议记录.pdf',
          size: files[1]!.bytes.length,
          url: `/api/media/${files[1]!.id}`,
        },
        expect.objectContaining({ id: files[2]!.id, kind: 'file', name: '表决情况.docx' }),
      ]);
      const rows = await t.db
        .select()
        .from(media)
        .where(
          inArray(
            media.id,
            files.map((f) => f.id),
          ),
        );
      const [stage] = await t.db
        .select()
        .from(proposalStages)
        .where(eq(proposalStages.proposalId, proposalId));
      expect(rows.every((m) => m.proposalStageId === stage!.id && m.status === 'ok' && m.attachedAt)).toBe(
        true,
      );
    });

    it('every member of the village sees them and fetches them; nobody outside does', async () => {
      for (const key of MEMBERS) {
        const view = await t.request('GET', `${base}/proposals/${proposalId}`, { token: await as(a[key]) });
        expect(view.body.stages[0].attachments.map((x: { id: string }) => x.id)).toEqual(
          files.map((f) => f.id),
        );
        for (const f of files) {
          const got = await fetchMedia(a[key], f.id);
          expect({ key, status: got.status }).toEqual({ key, status: 200 });
          expect(got.bytes.equals(f.bytes)).toBe(true);
        }
      }
      const pdf = await fetchMedia(a.villager, files[1]!.id);
      expect(pdf.headers.get('content-type')).toBe('application/pdf');
      expect(pdf.headers.get('content-disposition')).toBe(
        `inline; filename*=UTF-8''${encodeURIComponent('村两委会议记录.pdf')}`,
      );
      for (const key of OUTSIDE) {
        for (const f of files)
          expect({ key, status: (await fetchMedia(a[key], f.id)).status }).toEqual({ key, status: 404 });
        const view = await t.request('GET', `${base}/proposals/${proposalId}`, { token: await as(a[key]) });
        expect(view.status).toBe(404);
      }
      expect((await fetchMedia(null, files[0]!.id)).status).toBe(401);
    });
  });

  it('before it is attached, an upload is its uploader’s alone', async () => {
    const up = await upload(recorder, sample.png());
    expect((await fetchMedia(recorder, up.id)).status).toBe(200);
    for (const key of ALL_ACTOR_KEYS) {
      if (a[key] === recorder) continue;
      expect({ key, status: (await fetchMedia(a[key], up.id)).status }).toEqual({ key, status: 404 });
    }
  });

  it('the sweep of abandoned uploads forgets a stage file nobody attached, never an attached one', async () => {
    const left = await upload(recorder, sample.pdf());
    const proposalId = await newProposal('修缮村文化广场');
    const kept = await upload(recorder, sample.jpeg());
    expect((await record(recorder, proposalId, [kept.id])).status).toBe(200);
    const later = new Date(Date.now() + 8 * 24 * 3600_000);
    await sweepAbandonedMedia(t.deps, { now: later });
    const rows = await t.db
      .select({ id: media.id })
      .from(media)
      .where(inArray(media.id, [left.id, kept.id]));
    expect(rows.map((r) => r.id)).toEqual([kept.id]);
    expect((await fetchMedia(a.villager, kept.id)).status).toBe(200);
  });

  it('uploading files for a stage record is for cadres; everyone else is refused', async () => {
    await expectRefusedForAllBut(t, a, ['cadre'], (token) =>
      uploadTo(t, token, a.village.id, { purpose: 'stage_attachment', body: sample.pdf() }),
    );
  });

  it('only photos and PDF, Word or Excel documents; a document is not a matter photo', async () => {
    for (const body of [sample.mp3(), sample.gif(), sample.exe(), sample.text()]) {
      const res = await uploadTo(t, await as(a.cadre), a.village.id, {
        purpose: 'stage_attachment',
        body,
        filename: 'minutes.pdf',
      });
      expect([res.status, res.body.error.code]).toEqual([415, 'MEDIA_TYPE_NOT_ALLOWED']);
      expect(res.body.error.message).toBe(
        '只能上传照片（jpg、png、heic）或文件（pdf、Word、Excel 的 docx、xlsx）',
      );
    }
    const pdfAsPhoto = await uploadTo(t, await as(a.villager), a.village.id, {
      purpose: 'matter_photo',
      body: sample.pdf(),
    });
    expect(pdfAsPhoto.status).toBe(415);
  });

  it('every way an attachment can be wrong is refused, with nothing written', async () => {
    const proposalId = await newProposal('村口安装路灯');
    const used = await upload(recorder, sample.jpeg());
    const elsewhere = await newProposal('硬化村北道路');
    expect((await record(recorder, elsewhere, [used.id])).status).toBe(200);
    const notMine = await upload(otherCadre, sample.pdf());
    const matterPhoto = await upload(recorder, sample.jpeg(), { purpose: 'matter_photo' });
    const otherVillage = await upload(a.outsider, sample.pdf(), { villageId: a.other.id });
    const fine = await upload(recorder, sample.pdf());
    const cases: [string[], string, number, string | null][] = [
      [[fine.id, used.id], 'already_attached', 422, '这个照片或文件已经用在别的记录上了，请重新上传'],
      [[notMine.id], 'not_yours', 422, '只能用自己上传的照片或文件'],
      [[matterPhoto.id], 'wrong_purpose', 422, '这个文件不是为会议记录上传的，请重新上传'],
      [[otherVillage.id], 'not_found', 422, '有照片或文件找不到了，请重新上传'],
      [[crypto.randomUUID()], 'not_found', 422, null],
      [[fine.id, fine.id], '', 400, '同一个文件只能用一次'],
      [Array.from({ length: 10 }, () => crypto.randomUUID()), '', 400, '最多 9 个照片或文件'],
      [['not-a-uuid'], '', 400, null],
    ];
    for (const [ids, reason, status, message] of cases) {
      const res = await record(recorder, proposalId, ids);
      expect({ reason, status: res.status }).toEqual({ reason, status });
      if (reason) {
        expect(res.body.error.code).toBe('MEDIA_NOT_ATTACHABLE');
        expect(res.body.error.details.items[0].reason).toBe(reason);
      }
      if (message) expect(res.body.error.message).toBe(message);
    }
    const [p] = await t.db.select().from(proposals).where(eq(proposals.id, proposalId));
    expect(p!.doneStages).toBe(0);
    expect(await t.db.select().from(proposalStages).where(eq(proposalStages.proposalId, proposalId))).toEqual(
      [],
    );
    expect(await unattached([fine.id, notMine.id, matterPhoto.id, otherVillage.id])).toBe(true);
    // The right files go through afterwards.
    expect((await record(recorder, proposalId, [fine.id])).body.stages[0].attachments).toHaveLength(1);
  });

  it('a role that does not own the stage cannot record it, attachments or not; another village finds nothing', async () => {
    const proposalId = await newProposal('修缮村小学围墙');
    const mine = await upload(otherCadre, sample.pdf());
    // 提议 is the party branch's: a cadre who is not a party member (or any other role) is refused.
    const ownsPropose = (
      await t.db
        .select()
        .from(memberships)
        .where(
          and(
            eq(memberships.villageId, a.village.id),
            eq(memberships.userId, otherCadre),
            eq(memberships.role, 'party_member'),
          ),
        )
    ).length;
    if (!ownsPropose) expect((await record(otherCadre, proposalId, [mine.id])).status).toBe(403);
    for (const key of ['villager', 'representative', 'party_member', 'grid_worker', 'supervisor'] as const) {
      const res = await record(a[key], proposalId, []);
      expect({ key, status: res.status }).toEqual({ key, status: 403 });
    }
    const cross = await t.request('POST', `/api/villages/${a.other.id}/proposals/${proposalId}/stages`, {
      token: await as(a.outsider),
      body: { stage: 'propose', heldOn: today, attachmentIds: [mine.id] },
    });
    expect(cross.status).toBe(404);
    expect(await unattached([mine.id])).toBe(true);
  });

  it('a petition waiting for its content check: its stage files reach only those who see the petition', async () => {
    const reps = await t.db
      .select({ userId: memberships.userId })
      .from(memberships)
      .where(and(eq(memberships.villageId, a.village.id), eq(memberships.role, 'representative')));
    const author = reps.map((r) => r.userId).find((id) => id !== recorder)!;
    const started = await t.request('POST', `${base}/petitions`, {
      token: await as(author),
      body: { kind: 'representatives_meeting', title: '讨论修桥', text: '村南的桥坏了' },
    });
    expect(started.body.visible).toBe(false); // WeChat is unreachable in tests: held for a reviewer
    const pid = started.body.proposalId as string;
    const photo = await upload(recorder, sample.jpeg());
    expect((await record(recorder, pid, [photo.id])).status).toBe(200);
    expect((await fetchMedia(author, photo.id)).status).toBe(200);
    expect((await fetchMedia(a.supervisor, photo.id)).status).toBe(200);
    const bystander = [a.villager, a.grid_worker].find((id) => id !== author)!;
    expect((await fetchMedia(bystander, photo.id)).status).toBe(404);
    const cadre = await as(a.cadre);
    const queue = await t.request('GET', `${base}/content-reviews`, { token: cadre });
    const held = queue.body.items.find((i: { targetId: string }) => i.targetId === pid);
    await t.request('POST', `${base}/content-reviews/${held.id}/decide`, {
      token: cadre,
      body: { decision: 'pass' },
    });
    expect((await fetchMedia(bystander, photo.id)).status).toBe(200);
  });
});
