/**
 * Stage attachments in the mini-program: the cadre adds photos and documents while recording a
 * stage (each uploaded at once as stage_attachment, a document with its name; a wrong file type
 * is refused before sending; saving waits for uploads and sends their ids); the proposal page shows
 * each stage's photos as thumbnails and its documents as rows that open with their own name.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));

import type { TProposalDetail } from '../../miniprogram/src/api/types';
import { Screen } from '../../miniprogram/src/components/ui';
import { StageForm } from '../../miniprogram/src/subpackages/council-admin/stage/index';
import { ProposalView } from '../../miniprogram/src/subpackages/council/proposal/index';
import { VILLAGE_ID } from './fixtures';
import Taro, { ok, resetTaro, routeRequests } from './taro-mock';

const PROPOSAL = '9b0c4a1e-0000-4000-8000-000000000030';
const PHOTO_ID = '9b0c4a1e-0000-4000-8000-000000000031';
const PDF_ID = '9b0c4a1e-0000-4000-8000-000000000032';
const at = '2026-12-03T02:00:00.000Z';

beforeEach(() => resetTaro());
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

const detail = (over: Partial<TProposalDetail> = {}): TProposalDetail => ({
  id: PROPOSAL,
  title: '修建村东头水渠',
  source: 'cadre',
  status: 'active',
  doneStages: 1,
  nextStage: 'deliberate',
  createdAt: at,
  pendingCheck: false,
  text: '水渠年久失修',
  matterId: null,
  stages: [],
  canRecordNext: true,
  comments: [],
  petition: null,
  votes: [],
  ratings: { satisfied: 0, basic: 0, unsatisfied: 0, mine: null },
  canRate: false,
  ...over,
});

type Posted = { url: string; form: FormData };
/** h5 uploads and downloads go through fetch: answer uploads in turn, downloads with bytes. */
function stubFetch(uploads: { status: number; body: unknown }[]) {
  const posted: Posted[] = [];
  const fetched: string[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      if (url.startsWith('blob:')) return { blob: async () => new Blob(['jpeg']) } as unknown as Response;
      if (init?.method === 'POST') {
        posted.push({ url, form: init.body as FormData });
        const a = uploads.shift()!;
        return new Response(JSON.stringify(a.body), { status: a.status });
      }
      fetched.push(url);
      return new Response(new Uint8Array([1, 2, 3]), { status: 200 });
    }),
  );
  return { posted, fetched };
}

const uploaded = (id: string, name: string | null) => ({
  status: 201,
  body: {
    id,
    purpose: 'stage_attachment',
    mime: 'x',
    size: 1234,
    status: 'pending_check',
    url: `/api/media/${id}`,
    name,
    createdAt: at,
  },
});

describe('recording a stage with photos and documents', () => {
  function page(onStage: (data: unknown) => void) {
    routeRequests({
      [`GET /villages/${VILLAGE_ID}/proposals/${PROPOSAL}`]: () => ok(detail()),
      [`GET /villages/${VILLAGE_ID}/votes`]: () => ok({ items: [] }),
      [`POST /villages/${VILLAGE_ID}/proposals/${PROPOSAL}/stages`]: (o) => {
        onStage(o.data);
        return ok(detail({ doneStages: 2, nextStage: 'review' }));
      },
    });
    return render(
      <Screen>
        <StageForm villageId={VILLAGE_ID} proposalId={PROPOSAL} />
      </Screen>,
    );
  }

  it('a photo and a PDF are uploaded at once; saving sends their ids', async () => {
    vi.mocked(Taro.chooseMedia).mockResolvedValueOnce({ tempFiles: [{ tempFilePath: 'blob:photo-1' }] });
    const { posted } = stubFetch([uploaded(PHOTO_ID, null), uploaded(PDF_ID, '村两委会议记录.pdf')]);
    let sent: unknown = null;
    const { container } = page((d) => {
      sent = d;
    });
    fireEvent.click(await screen.findByTestId('add-stage-photo'));
    await waitFor(() => expect(screen.getByTestId('attachment-0').textContent).toContain('已上传'));
    const input = container.querySelector('[data-testid="stage-file-input"]') as HTMLInputElement;
    const pdf = new File(['%PDF-1.4'], '村两委会议记录.pdf', { type: 'application/pdf' });
    fireEvent.change(input, { target: { files: [pdf] } });
    await waitFor(() => expect(screen.getByTestId('attachment-1').textContent).toContain('已上传'));
    expect(screen.getByTestId('attachment-1').textContent).toContain('村两委会议记录.pdf');
    expect(posted.map((p) => p.form.get('purpose'))).toEqual(['stage_attachment', 'stage_attachment']);
    expect(posted[1]!.form.get('fileName')).toBe('村两委会议记录.pdf');
    expect((posted[1]!.form.get('file') as File).name).toBe('村两委会议记录.pdf');
    fireEvent.click(screen.getByTestId('save-stage'));
    await waitFor(() => expect(sent).not.toBeNull());
    expect(sent).toMatchObject({ stage: 'deliberate', attachmentIds: [PHOTO_ID, PDF_ID] });
  });

  it('a file of another type is refused before sending', async () => {
    const { posted } = stubFetch([]);
    const { container } = page(() => {});
    await screen.findByTestId('add-stage-photo');
    const input = container.querySelector('[data-testid="stage-file-input"]') as HTMLInputElement;
    fireEvent.change(input, { target: { files: [new File(['MZ'], '工具.exe')] } });
    expect(
      screen.getByText('只能上传照片（jpg、png、heic）或文件（pdf、Word、Excel 的 docx、xlsx）'),
    ).toBeTruthy();
    expect(screen.queryByTestId('attachment-0')).toBeNull();
    expect(posted).toHaveLength(0);
  });

  it('a failed upload blocks saving until it is removed', async () => {
    vi.mocked(Taro.chooseMedia).mockResolvedValueOnce({ tempFiles: [{ tempFilePath: 'blob:odd' }] });
    stubFetch([
      {
        status: 415,
        body: { error: { code: 'MEDIA_TYPE_NOT_ALLOWED', message: '只能上传照片或文件', requestId: 'r' } },
      },
    ]);
    let sent: unknown = null;
    page((d) => {
      sent = d;
    });
    fireEvent.click(await screen.findByTestId('add-stage-photo'));
    await waitFor(() =>
      expect(screen.getByTestId('attachment-0').textContent).toContain('没传上：只能上传照片或文件'),
    );
    expect(screen.getByTestId('save-stage').getAttribute('aria-disabled')).toBe('true');
    expect(screen.getByText('有照片或文件没传上：请重传，或删掉它。')).toBeTruthy();
    fireEvent.click(screen.getByTestId('remove-attachment-0'));
    expect(screen.getByTestId('save-stage').getAttribute('aria-disabled')).toBeNull();
    fireEvent.click(screen.getByTestId('save-stage'));
    await waitFor(() => expect(sent).toMatchObject({ attachmentIds: [] }));
  });
});

describe('会议材料 on the proposal page', () => {
  it('photos as thumbnails, a document as a row that opens under its own name', async () => {
    const { fetched } = stubFetch([]);
    let made = 0;
    const orig = URL.createObjectURL;
    URL.createObjectURL = () => `blob:http://localhost/got-${++made}`;
    const clicked: { href: string; download: string }[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (
      this: HTMLAnchorElement,
    ) {
      clicked.push({ href: this.href, download: this.download });
    });
    routeRequests({
      [`GET /villages/${VILLAGE_ID}/proposals/${PROPOSAL}`]: () =>
        ok(
          detail({
            stages: [
              {
                stage: 'propose',
                heldOn: '2026-12-01',
                participants: [],
                attendance: 7,
                minutes: '党支部提议',
                attachments: [
                  {
                    id: PHOTO_ID,
                    kind: 'photo',
                    mime: 'image/jpeg',
                    name: null,
                    size: 4096,
                    url: `/api/media/${PHOTO_ID}`,
                  },
                  {
                    id: PDF_ID,
                    kind: 'file',
                    mime: 'application/pdf',
                    name: '村两委会议记录.pdf',
                    size: 1229,
                    url: `/api/media/${PDF_ID}`,
                  },
                ],
                outcome: 'passed',
                outcomeNote: null,
                voteId: null,
                publishedAt: null,
                recordedAt: at,
              },
            ],
          }),
        ),
    });
    render(
      <Screen>
        <ProposalView villageId={VILLAGE_ID} proposalId={PROPOSAL} />
      </Screen>,
    );
    const files = await screen.findByTestId('stage-files-propose');
    expect(files.textContent).toContain('村党组织提议（2026-12-01）');
    await waitFor(() => expect(screen.getByTestId('stage-photo-0')).toBeTruthy());
    const doc = screen.getByTestId(`stage-doc-${PDF_ID}`);
    expect(doc.textContent).toContain('村两委会议记录.pdf');
    expect(doc.textContent).toContain('PDF 文件 · 1.2 KB');
    fireEvent.click(screen.getByTestId(`open-doc-${PDF_ID}`));
    await waitFor(() => expect(clicked).toHaveLength(1));
    expect(clicked[0]!.download).toBe('村两委会议记录.pdf');
    expect(fetched).toEqual([`/api/media/${PHOTO_ID}`, `/api/media/${PDF_ID}`]);
    expect(clicked[0]!.href).toBe('blob:http://localhost/got-2');
    click.mockRestore();
    URL.createObjectURL = orig;
  });

  it('a proposal whose stages carry nothing shows no 会议材料', async () => {
    routeRequests({ [`GET /villages/${VILLAGE_ID}/proposals/${PROPOSAL}`]: () => ok(detail()) });
    render(
      <Screen>
        <ProposalView villageId={VILLAGE_ID} proposalId={PROPOSAL} />
      </Screen>,
    );
    await screen.findByTestId('proposal-page');
    expect(screen.queryByText('会议材料')).toBeNull();
  });
});
