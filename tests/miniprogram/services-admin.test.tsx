/**
 * 服务项目 (staff subpackage): the form's rules in plain words, adding a service, editing one (one
 * PATCH with the form), and stopping one (不再办理) — asked first, with the reason and the
 * service that takes over.
 */
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));

import type { TService, TServiceDetail } from '../../miniprogram/src/api/services';
import {
  ServiceCatalogueAdmin,
  formOf,
  serviceFormBody,
} from '../../miniprogram/src/subpackages/services-desk/services/index';
import { VILLAGE_ID } from './fixtures';
import Taro, { apiError, ok, resetTaro, routeRequests } from './taro-mock';

beforeEach(() => resetTaro());
afterEach(() => cleanup());

const V = `/villages/${VILLAGE_ID}`;
const village = { villageId: VILLAGE_ID, villageName: '东坪村' };

const svc = (id: string, name: string, extra: Partial<TService> = {}): TService => ({
  id,
  name,
  icon: 'doc',
  summary: '',
  materials: ['身份证'],
  durationMinutes: 15,
  servedBy: '文书 李桂兰',
  bookable: true,
  errand: false,
  slotMinutes: 30,
  cutoffMinutes: 60,
  hasEvening: false,
  ...extra,
});
const detail = (s: TService): TServiceDetail => ({ ...s, hours: [], exceptions: [] });
const a = svc('s1', '证明开具');
const b = svc('s2', '法律咨询', { icon: 'law' });
const errandOnly = svc('s3', '医保缴费代办', { bookable: false, errand: true });

const input = (c: HTMLElement, name: string) => c.querySelector<HTMLInputElement>(`input[name="${name}"]`)!;

describe('the service form', () => {
  it('rules in plain words; materials split on 、 and commas', () => {
    const base = formOf();
    expect(serviceFormBody({ ...base, name: ' ' })).toEqual({ ok: false, errors: { name: '请写服务名称' } });
    expect(serviceFormBody({ ...base, name: '名'.repeat(21) })).toMatchObject({
      ok: false,
      errors: { name: '名称不能超过20个字' },
    });
    expect(serviceFormBody({ ...base, name: '办证', durationMinutes: '0' })).toMatchObject({
      errors: { durationMinutes: '请填1到480之间的分钟数' },
    });
    expect(
      serviceFormBody({ ...base, name: '办证', materials: Array(13).fill('照片').join('、') }),
    ).toMatchObject({
      errors: { materials: '材料最多12项' },
    });
    expect(serviceFormBody({ ...base, name: '办证', bookable: false, errand: false })).toMatchObject({
      errors: { form: '至少要能预约或能代办' },
    });
    expect(
      serviceFormBody({
        ...base,
        name: ' 办证 ',
        materials: '身份证、户口本, 照片，',
        durationMinutes: '20',
      }),
    ).toEqual({
      ok: true,
      value: {
        name: '办证',
        icon: 'other',
        summary: '',
        materials: ['身份证', '户口本', '照片'],
        durationMinutes: 20,
        servedBy: '',
        bookable: true,
        errand: false,
      },
    });
  });
});

describe('服务项目 page', () => {
  it('edits the picked service with one PATCH and says 已保存', async () => {
    const patch = vi.fn((o: { data?: unknown }) => ok(detail({ ...a, ...(o.data as object) })));
    routeRequests({
      [`GET ${V}/services`]: () => ok({ items: [a, b] }),
      [`GET ${V}/services/s1`]: () => ok(detail(a)),
      [`PATCH ${V}/services/s1`]: patch,
    });
    const { container } = render(<ServiceCatalogueAdmin village={village} />);
    await waitFor(() => expect(input(container, 'svc-name')).toBeTruthy());
    expect(input(container, 'svc-name').value).toBe('证明开具');
    expect(input(container, 'svc-materials').value).toBe('身份证');
    fireEvent.input(input(container, 'svc-name'), { target: { value: '证明开具（居住）' } });
    fireEvent.input(input(container, 'svc-materials'), { target: { value: '身份证、户口本' } });
    fireEvent.click(screen.getByTestId('icon-home'));
    fireEvent.click(screen.getByTestId('svc-errand'));
    fireEvent.click(screen.getByTestId('save-service'));
    await waitFor(() => expect(patch).toHaveBeenCalledOnce());
    expect(patch.mock.calls[0]![0].data).toEqual({
      name: '证明开具（居住）',
      icon: 'home',
      summary: '',
      materials: ['身份证', '户口本'],
      durationMinutes: 15,
      servedBy: '文书 李桂兰',
      bookable: true,
      errand: true,
    });
    expect(await screen.findByText('已保存')).toBeTruthy();
  });

  it('a name another service has: the server’s words are shown', async () => {
    routeRequests({
      [`GET ${V}/services`]: () => ok({ items: [a, b] }),
      [`GET ${V}/services/s1`]: () => ok(detail(a)),
      [`PATCH ${V}/services/s1`]: () => apiError(409, 'CONFLICT', '已经有同名的服务了'),
    });
    const { container } = render(<ServiceCatalogueAdmin village={village} />);
    await waitFor(() => expect(input(container, 'svc-name')).toBeTruthy());
    fireEvent.input(input(container, 'svc-name'), { target: { value: '法律咨询' } });
    fireEvent.click(screen.getByTestId('save-service'));
    expect(await screen.findByText('已经有同名的服务了')).toBeTruthy();
  });

  it('不再办理 needs a reason, asks first, and sends the service that takes over', async () => {
    const retire = vi.fn(() => ok({ id: 's1', cancelled: 2, notified: 3 }));
    routeRequests({
      [`GET ${V}/services`]: () => ok({ items: [a, b, errandOnly] }),
      [`GET ${V}/services/s1`]: () => ok(detail(a)),
      [`POST ${V}/services/s1/retire`]: retire,
    });
    const { container } = render(<ServiceCatalogueAdmin village={village} />);
    await screen.findByTestId('retire-service');
    // Only services that take bookings can take over.
    expect(screen.getByTestId('replacement-picker').textContent).toBe('不指定法律咨询');
    fireEvent.click(screen.getByTestId('retire-service'));
    expect(await screen.findByText('请写上为什么不再办理')).toBeTruthy();
    fireEvent.input(input(container, 'retire-reason'), { target: { value: '改到镇里办理' } });
    fireEvent.click(screen.getByTestId('replace-法律咨询'));
    vi.mocked(Taro.showModal).mockResolvedValueOnce({ confirm: false, cancel: true });
    fireEvent.click(screen.getByTestId('retire-service'));
    await waitFor(() => expect(Taro.showModal).toHaveBeenCalledOnce());
    expect(vi.mocked(Taro.showModal).mock.calls[0]![0]).toMatchObject({
      title: '不再办理“证明开具”？',
      content: expect.stringContaining('可以改约到“法律咨询”'),
    });
    expect(retire).not.toHaveBeenCalled();
    fireEvent.click(screen.getByTestId('retire-service'));
    await waitFor(() => expect(retire).toHaveBeenCalledOnce());
    expect((retire.mock.calls[0] as unknown as [{ data: unknown }])[0].data).toEqual({
      reason: '改到镇里办理',
      replacementId: 's2',
    });
    expect(await screen.findByText('“证明开具”已停办，已通知 3 位村民')).toBeTruthy();
  });

  it('adds a service and then offers its hours', async () => {
    const created = svc('s9', '老年证办理', { icon: 'id' });
    const post = vi.fn((_: { data?: unknown }) => ({ statusCode: 201, data: detail(created) }));
    let listed: TService[] = [a];
    routeRequests({
      [`GET ${V}/services`]: () => ok({ items: listed }),
      [`GET ${V}/services/s1`]: () => ok(detail(a)),
      [`GET ${V}/services/s9`]: () => ok(detail(created)),
      [`POST ${V}/services`]: (o) => {
        listed = [a, created];
        return post(o);
      },
    });
    const { container } = render(<ServiceCatalogueAdmin village={village} />);
    fireEvent.click(await screen.findByTestId('pick-new'));
    fireEvent.click(screen.getByTestId('add-service'));
    expect(await screen.findByText('请写服务名称')).toBeTruthy();
    fireEvent.input(input(container, 'svc-name'), { target: { value: '老年证办理' } });
    fireEvent.click(screen.getByTestId('icon-id'));
    fireEvent.click(screen.getByTestId('add-service'));
    await waitFor(() => expect(post).toHaveBeenCalledOnce());
    expect(post.mock.calls[0]![0].data).toMatchObject({
      name: '老年证办理',
      icon: 'id',
      bookable: true,
    });
    expect(await screen.findByText('已加上“老年证办理”。请再设好办理时间。')).toBeTruthy();
    await waitFor(() => expect(screen.getByTestId('pick-老年证办理').className).toContain('choice-on'));
    fireEvent.click(screen.getByTestId('go-hours'));
    expect(Taro.navigateTo).toHaveBeenCalledWith({
      url: `/subpackages/services-desk/hours/index?villageId=${VILLAGE_ID}`,
    });
  });
});
