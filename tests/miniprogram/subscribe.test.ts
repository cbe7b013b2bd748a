import { beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));

import type { TSubscribeTemplate } from '../../miniprogram/src/api/types';
import {
  CONSENT_MOMENTS,
  MAX_TEMPLATES_PER_CALL,
  type SubscriberDeps,
  batches,
  consentFailureWords,
  createSubscriber,
  pickTemplateIds,
  readAnswers,
  requestConsent,
} from '../../miniprogram/src/lib/subscribe';
import Taro, { resetTaro } from './taro-mock';

beforeEach(() => resetTaro());

const TEMPLATES: TSubscribeTemplate[] = [
  { kind: 'notice_published', templateId: 't-notice', longTerm: true },
  { kind: 'matter_moved', templateId: 't-matter', longTerm: false },
  { kind: 'vote_opened', templateId: 't-vote', longTerm: true },
  { kind: 'vote_closing', templateId: 't-closing', longTerm: true },
  { kind: 'result_out', templateId: 't-result', longTerm: true },
  { kind: 'booking_near', templateId: 't-booking', longTerm: false },
];

function deps(over: Partial<SubscriberDeps> = {}) {
  let pending: ReturnType<SubscriberDeps['readPending']> = null;
  const d = {
    isWeapp: true,
    requestSubscribe: vi.fn(async ({ tmplIds }: { tmplIds: string[] }) => ({
      errMsg: 'requestSubscribeMessage:ok',
      ...Object.fromEntries(tmplIds.map((id) => [id, 'accept'])),
    })),
    fetchTemplates: vi.fn(async () => TEMPLATES),
    record: vi.fn(async () => ({ consents: [] })),
    readPending: vi.fn(() => pending),
    writePending: vi.fn((p: typeof pending) => {
      pending = p;
    }),
    ...over,
  };
  return d;
}

describe('subscribe consent helper', () => {
  it('picks the templates of the kinds asked, in that order, at most 3 (WeChat’s limit)', () => {
    expect(MAX_TEMPLATES_PER_CALL).toBe(3);
    expect(pickTemplateIds(TEMPLATES, ['result_out', 'matter_moved'])).toEqual(['t-result', 't-matter']);
    expect(
      pickTemplateIds(TEMPLATES, ['notice_published', 'vote_opened', 'vote_closing', 'result_out']),
    ).toEqual(['t-notice', 't-vote', 't-closing']);
    expect(pickTemplateIds(TEMPLATES, ['disclosure_published'])).toEqual([]);
    expect(batches(['a', 'b', 'c', 'd'])).toEqual([['a', 'b', 'c'], ['d']]);
    expect(pickTemplateIds(TEMPLATES, CONSENT_MOMENTS.matterRaised)).toEqual(['t-matter', 't-result']);
  });

  it('keeps only WeChat’s answers for the ids asked', () => {
    expect(
      readAnswers(
        { errMsg: 'requestSubscribeMessage:ok', a: 'accept', b: 'reject', c: 'weird', z: 'accept' },
        ['a', 'b', 'c'],
      ),
    ).toEqual({ a: 'accept', b: 'reject' });
  });

  it('asks WeChat (from the tap) and posts the answers to the server', async () => {
    const d = deps({
      requestSubscribe: vi.fn(async () => ({
        errMsg: 'requestSubscribeMessage:ok',
        't-matter': 'accept',
        't-result': 'reject',
      })),
    });
    const s = createSubscriber(d);
    await s.loadTemplates();
    const outcome = await s.requestConsent(CONSENT_MOMENTS.matterRaised);
    expect(d.requestSubscribe).toHaveBeenCalledWith({ tmplIds: ['t-matter', 't-result'] });
    expect(d.record).toHaveBeenCalledWith({ 't-matter': 'accept', 't-result': 'reject' }, expect.any(String));
    expect(outcome).toEqual({
      status: 'answered',
      results: { 't-matter': 'accept', 't-result': 'reject' },
      accepted: 1,
      saved: true,
    });
  });

  it('calls WeChat with nothing awaited before it once templates are loaded', async () => {
    const d = deps();
    const s = createSubscriber(d);
    await s.loadTemplates();
    void s.requestIds(['t-notice']);
    // Synchronously, within the tap: the dialog request has already gone out.
    expect(d.requestSubscribe).toHaveBeenCalledOnce();
  });

  it('never asks for more than 3 at once', async () => {
    const d = deps();
    await createSubscriber(d).requestIds(['a', 'b', 'c', 'd']);
    expect(d.requestSubscribe).toHaveBeenCalledWith({ tmplIds: ['a', 'b', 'c'] });
  });

  it('is a no-op outside WeChat (h5)', async () => {
    const d = deps({ isWeapp: false });
    const s = createSubscriber(d);
    expect(await s.loadTemplates()).toEqual([]);
    expect(await s.requestConsent(['notice_published'])).toEqual({ status: 'skipped', reason: 'not_weapp' });
    expect(d.requestSubscribe).not.toHaveBeenCalled();
    expect(d.fetchTemplates).not.toHaveBeenCalled();
    // The app's own instance is built for h5 in these tests.
    expect(await requestConsent(['notice_published'])).toEqual({ status: 'skipped', reason: 'not_weapp' });
    expect(Taro.requestSubscribeMessage).not.toHaveBeenCalled();
  });

  it('WeChat refusing to ask (reminders turned off) is a failure with its code, nothing posted', async () => {
    const d = deps({
      requestSubscribe: vi.fn(async () => {
        throw { errCode: 20004, errMsg: 'requestSubscribeMessage:fail main switch is off' };
      }),
    });
    const outcome = await createSubscriber(d).requestIds(['t-notice']);
    expect(outcome).toEqual({
      status: 'failed',
      errCode: 20004,
      message: 'requestSubscribeMessage:fail main switch is off',
    });
    expect(d.record).not.toHaveBeenCalled();
    expect(consentFailureWords(20004)).toContain('通知管理');
  });

  it('answers the server did not get are kept and sent again with the same key', async () => {
    const record = vi
      .fn<SubscriberDeps['record']>()
      .mockRejectedValueOnce(new Error('offline'))
      .mockResolvedValue({ consents: [] });
    const d = deps({ record });
    const s = createSubscriber(d);
    const outcome = await s.requestIds(['t-notice']);
    expect(outcome).toMatchObject({ status: 'answered', saved: false });
    const key = record.mock.calls[0]![1];
    expect(d.readPending()).toEqual({ key, results: { 't-notice': 'accept' } });

    await s.loadTemplates();
    await vi.waitFor(() => expect(record).toHaveBeenCalledTimes(2));
    expect(record.mock.calls[1]).toEqual([{ 't-notice': 'accept' }, key]);
    await vi.waitFor(() => expect(d.readPending()).toBeNull());
  });
});
