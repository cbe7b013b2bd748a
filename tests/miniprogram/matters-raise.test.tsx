/**
 * 我要反映: the form's rules (the messages of ZRaiseMatterSchema), and the page — kinds as tiles,
 * live count, a photo uploaded and sent by id, 反映村干部 forcing private, one idempotency key
 * reused when 提交 is pressed again after a failure, then the matter's page.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));

import { ZRaiseMatterSchema } from '../../shared/matters/schemas';
import type { PhotoItem } from '../../miniprogram/src/subpackages/matters/photos';
import {
  EMPTY_RAISE,
  RaiseMatter,
  validateRaise,
} from '../../miniprogram/src/subpackages/matters/raise/index';
import type { VillageView } from '../../miniprogram/src/lib/roles';
import { GRID_ID, USER_ID, VILLAGE_ID } from './fixtures';
import Taro, { apiError, request, resetTaro, routeRequests } from './taro-mock';

beforeEach(() => resetTaro());
afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

/**
 * h5 uploads go through fetch (api/media.ts): the chosen blob: URL is read, then posted as
 * multipart. Answers the upload with `answer`; records what was posted.
 */
function stubUpload(answer: { status: number; body: unknown }) {
  const posted: { url: string; headers: Record<string, string>; form: FormData }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init?: RequestInit) => {
      if (url.startsWith('blob:')) return { blob: async () => new Blob(['png']) } as unknown as Response;
      posted.push({ url, headers: init!.headers as Record<string, string>, form: init!.body as FormData });
      return new Response(JSON.stringify(answer.body), { status: answer.status });
    }),
  );
  return posted;
}

const MATTER_ID = '0b7a7d1e-5d0c-4d55-9a51-5f3c0e7f0a30';
const MEDIA_ID = '0b7a7d1e-5d0c-4d55-9a51-5f3c0e7f0a31';
const VILLAGER_ID = '0b7a7d1e-5d0c-4d55-9a51-5f3c0e7f0a32';

const village = (roles: VillageView['roles'] = ['villager']): VillageView => ({
  villageId: VILLAGE_ID,
  villageName: '东坪村',
  townName: '石桥镇',
  roles,
  gridId: roles.includes('grid_worker') ? GRID_ID : null,
  gridName: roles.includes('grid_worker') ? '第一网格' : null,
  isHouseholdRep: false,
});

const photo = (status: PhotoItem['status'], mediaId: string | null = null): PhotoItem => ({
  key: `k-${status}-${mediaId}`,
  path: 'blob:x',
  status,
  mediaId,
  uploadKey: 'u',
});

describe('raise form rules', () => {
  it('names everything missing, in the shared schema’s words', () => {
    expect(validateRaise(EMPTY_RAISE)).toEqual({
      ok: false,
      errors: { kind: '请选择事项类型', category: '请选择事项类别', text: '请写几句话，或者录一段语音' },
    });
  });

  it('refuses over-long text, an unknown category, 10 photos, and photos still uploading or failed', () => {
    const base = { ...EMPTY_RAISE, kind: 'complaint' as const, category: 'roads', text: '路灯坏了' };
    expect(validateRaise({ ...base, text: '字'.repeat(2001) })).toMatchObject({
      errors: { text: '文字不能超过2000个字' },
    });
    expect(validateRaise({ ...base, text: ` ${'字'.repeat(2000)} ` }).ok).toBe(true);
    expect(validateRaise({ ...base, category: 'moon' })).toMatchObject({
      errors: { category: '请选择事项类别' },
    });
    const ten = Array.from({ length: 10 }, (_, i) => ({ ...photo('done', MEDIA_ID), key: `p${i}` }));
    expect(validateRaise({ ...base, photos: ten })).toMatchObject({ errors: { photos: '照片最多9张' } });
    expect(validateRaise({ ...base, photos: [photo('uploading')] })).toMatchObject({
      errors: { photos: '照片还在上传，请稍等' },
    });
    expect(validateRaise({ ...base, photos: [photo('failed')] })).toMatchObject({
      errors: { photos: '有照片没传上去，请删掉或重传' },
    });
  });

  it('voice alone is enough; a matter about a cadre cannot be public', () => {
    const base = { ...EMPTY_RAISE, kind: 'dispute' as const, category: 'land' };
    const voiceOnly = validateRaise({ ...base, voice: { fileId: MEDIA_ID, durationS: 12 } });
    expect(voiceOnly).toMatchObject({
      ok: true,
      body: { text: '', voice: { fileId: MEDIA_ID, durationS: 12 } },
    });
    expect(validateRaise({ ...base, text: 'x', aboutCadre: true, visibility: 'public' })).toMatchObject({
      errors: { visibility: '反映村干部的事项不能公开' },
    });
  });

  it('builds a body the shared schema accepts, 代办 with the consent method and time', () => {
    const r = validateRaise(
      {
        ...EMPTY_RAISE,
        kind: 'errand',
        category: 'social_assistance',
        text: ' 帮老人问低保 ',
        photos: [photo('done', MEDIA_ID)],
        visibility: 'public',
        onBehalf: { villagerId: VILLAGER_ID, villagerName: '王秀英', method: 'phone' },
      },
      undefined,
      () => new Date('2026-12-03T02:00:00.000Z'),
    );
    expect(r).toEqual({
      ok: true,
      body: {
        kind: 'errand',
        category: 'social_assistance',
        text: '帮老人问低保',
        photoIds: [MEDIA_ID],
        aboutCadre: false,
        visibility: 'public',
        onBehalfOf: {
          villagerId: VILLAGER_ID,
          consent: { method: 'phone', at: '2026-12-03T02:00:00.000Z' },
        },
      },
    });
    expect(ZRaiseMatterSchema.safeParse(r.ok && r.body).success).toBe(true);
    expect(
      validateRaise({
        ...EMPTY_RAISE,
        kind: 'errand',
        category: 'other',
        text: 'x',
        onBehalf: { villagerId: null, villagerName: null, method: null },
      }),
    ).toMatchObject({ errors: { onBehalf: '请选择替哪位村民反映' } });
  });
});

describe('我要反映 page', () => {
  const typeText = (container: HTMLElement, value: string) =>
    container
      .querySelector('[name="text"]')!
      .dispatchEvent(new CustomEvent('input', { detail: { value }, bubbles: true }));

  it('a villager picks a kind and category, writes, adds a photo and submits once per content', async () => {
    vi.mocked(Taro.chooseMedia).mockResolvedValueOnce({ tempFiles: [{ tempFilePath: 'blob:photo-1' }] });
    const posted = stubUpload({ status: 201, body: { id: MEDIA_ID } });
    const raised = vi
      .fn()
      .mockReturnValueOnce(apiError(500, 'INTERNAL', '服务器出错了'))
      .mockReturnValueOnce({ statusCode: 201, data: { id: MATTER_ID, state: 'submitted', level: 'grid' } });
    routeRequests({
      [`POST /villages/${VILLAGE_ID}/matters`]: raised,
      [`GET /villages/${VILLAGE_ID}/matters/similar`]: () => apiError(404, 'NOT_FOUND', '没有找到'),
    });
    const { container } = render(<RaiseMatter village={village()} />);

    // Nothing chosen: 提交 names what is missing and sends nothing.
    fireEvent.click(screen.getByTestId('submit-matter'));
    expect(screen.getByTestId('error-kind').textContent).toBe('请选择事项类型');
    expect(request).not.toHaveBeenCalledWith(expect.objectContaining({ method: 'POST' }));

    fireEvent.click(screen.getByTestId('kind-complaint'));
    expect(screen.getByTestId('kind-complaint').textContent).toContain('已选');
    fireEvent.click(screen.getByTestId('category-roads'));
    typeText(container, '村口路灯坏了三天');
    expect(screen.getByTestId('text-count').textContent).toBe('已写 8 字，最多 2000 字');

    fireEvent.click(screen.getByTestId('add-photo'));
    await waitFor(() => expect(screen.getByTestId('photo-picker').textContent).toContain('已上传'));
    expect(posted).toHaveLength(1);
    expect(posted[0]!.url).toBe(`/api/villages/${VILLAGE_ID}/media`);
    expect(posted[0]!.form.get('purpose')).toBe('matter_photo');
    expect(posted[0]!.form.get('file')).toBeInstanceOf(Blob);
    expect(posted[0]!.headers['Idempotency-Key']).toBeTruthy();

    fireEvent.click(screen.getByTestId('submit-matter'));
    await waitFor(() => expect(raised).toHaveBeenCalledTimes(1));
    await screen.findByText('服务器出错了', { selector: '.note-text' });
    // Pressing 提交 again: the same idempotency key, so the server cannot raise it twice.
    fireEvent.click(screen.getByTestId('submit-matter'));
    await waitFor(() => expect(raised).toHaveBeenCalledTimes(2));
    const [first, second] = raised.mock.calls.map(
      (c) => c[0] as { header: Record<string, string>; data: unknown },
    );
    expect(first!.header['Idempotency-Key']).toBeTruthy();
    expect(second!.header['Idempotency-Key']).toBe(first!.header['Idempotency-Key']);
    expect(second!.data).toEqual({
      kind: 'complaint',
      category: 'roads',
      text: '村口路灯坏了三天',
      photoIds: [MEDIA_ID],
      aboutCadre: false,
      visibility: 'private',
    });
    await waitFor(() =>
      expect(Taro.redirectTo).toHaveBeenCalledWith({
        url: `/subpackages/matters/detail/index?villageId=${VILLAGE_ID}&id=${MATTER_ID}&raised=1`,
      }),
    );
  });

  it('a failed photo upload says so on the photo and blocks 提交 until removed', async () => {
    vi.mocked(Taro.chooseMedia).mockResolvedValueOnce({ tempFiles: [{ tempFilePath: 'blob:odd' }] });
    stubUpload({
      status: 415,
      body: { error: { code: 'MEDIA_TYPE_NOT_ALLOWED', message: '只能上传照片', requestId: 'r' } },
    });
    routeRequests({});
    const { container } = render(<RaiseMatter village={village()} />);
    fireEvent.click(screen.getByTestId('kind-suggestion'));
    fireEvent.click(screen.getByTestId('category-other'));
    typeText(container, '建议装路灯');
    fireEvent.click(screen.getByTestId('add-photo'));
    await waitFor(() => expect(screen.getByTestId('photo-picker').textContent).toContain('没传上'));
    fireEvent.click(screen.getByTestId('submit-matter'));
    expect(screen.getByTestId('error-photos').textContent).toBe('有照片没传上去，请删掉或重传');
    fireEvent.click(screen.getByTestId('remove-photo-0'));
    expect(screen.getByTestId('photo-picker').textContent).not.toContain('没传上');
  });

  it('反映村干部 forces private and says why', () => {
    routeRequests({});
    render(<RaiseMatter village={village()} />);
    fireEvent.click(screen.getByTestId('visibility-public'));
    expect(screen.getByText(/公开：村里人都能看到/)).toBeTruthy();
    fireEvent.click(screen.getByTestId('about-cadre'));
    expect(screen.queryByTestId('visibility-public')).toBeNull();
    expect(screen.getByText(/村干部看不到。为了保护您，不能公开/)).toBeTruthy();
    expect(screen.getByText('不公开：只有您和办这件事的人能看到。')).toBeTruthy();
  });

  it('a grid worker raises for a villager of the grid, with how they agreed', async () => {
    const raised = vi.fn(() => ({
      statusCode: 201,
      data: { id: MATTER_ID, state: 'submitted', level: 'grid' },
    }));
    routeRequests({
      [`GET /villages/${VILLAGE_ID}/grid-villagers`]: () => ({
        statusCode: 200,
        data: {
          items: [
            {
              userId: VILLAGER_ID,
              name: '王秀英',
              householdNo: 'DP001',
              gridName: '第一网格',
              phoneMasked: null,
            },
            {
              userId: USER_ID,
              name: '李新民',
              householdNo: 'DP002',
              gridName: '第一网格',
              phoneMasked: null,
            },
          ],
        },
      }),
      [`POST /villages/${VILLAGE_ID}/matters`]: raised,
    });
    const { container } = render(<RaiseMatter village={village(['villager', 'grid_worker'])} />);
    fireEvent.click(screen.getByTestId('on-behalf'));
    await screen.findByTestId(`villager-${VILLAGER_ID}`);
    fireEvent.click(screen.getByTestId('kind-errand'));
    fireEvent.click(screen.getByTestId('category-social_assistance'));
    typeText(container, '帮王奶奶问低保');
    fireEvent.click(screen.getByTestId('submit-matter'));
    expect(screen.getByTestId('error-onBehalf').textContent).toBe('请选择替哪位村民反映');

    fireEvent.click(screen.getByTestId(`villager-${VILLAGER_ID}`));
    fireEvent.click(screen.getByTestId('consent-in_person'));
    fireEvent.click(screen.getByTestId('submit-matter'));
    await waitFor(() => expect(raised).toHaveBeenCalledTimes(1));
    const body = (raised.mock.calls[0] as unknown as [{ data: { onBehalfOf: unknown } }])[0].data;
    expect(body.onBehalfOf).toEqual({
      villagerId: VILLAGER_ID,
      consent: { method: 'in_person', at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
    });
  });
});
