/**
 * The fake's subscribe-message send speaks WeChat's shapes and errcodes, and our value fitting
 * (api/_wechat/subscribe-templates.ts) always produces data the fake's rules accept.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_SUBSCRIBE_TEMPLATES,
  fitValue,
  parseSubscribeTemplates,
  templateData,
} from '../../api/_wechat/subscribe-templates';
import { type FakeWechat, startFakeWechat } from '../support/fake-wechat';
import { valueProblem } from '../support/fake-wechat-subscribe';

describe('fake WeChat: POST /cgi-bin/message/subscribe/send', () => {
  let fake: FakeWechat;
  let token: string;
  const openid = 'oAbCdEfGhIjKlMnOpQrStUvWxYz1';
  const send = async (body: unknown, accessToken = token) => {
    const res = await fetch(`${fake.baseUrl}/cgi-bin/message/subscribe/send?access_token=${accessToken}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as { errcode: number; errmsg: string } };
  };
  const msg = (over: Record<string, unknown> = {}) => ({
    touser: openid,
    template_id: 'T1',
    page: 'pages/home/index?x=1',
    data: { thing1: { value: '停水通知' }, time2: { value: '2026年11月24日 08:00' } },
    miniprogram_state: 'formal',
    lang: 'zh_CN',
    ...over,
  });

  beforeAll(async () => {
    fake = await startFakeWechat({
      subscribeTemplates: { T1: ['thing1', 'time2'], T2: ['phrase1'] },
      pages: ['pages/home/index'],
    });
    const r = await fetch(`${fake.baseUrl}/cgi-bin/stable_token`, {
      method: 'POST',
      body: JSON.stringify({
        grant_type: 'client_credential',
        appid: fake.state.appId,
        secret: fake.state.secret,
      }),
    });
    token = ((await r.json()) as { access_token: string }).access_token;
  });
  afterAll(() => fake.close());

  it('one-time consent: one message, then 43101; long-term: any number', async () => {
    expect((await send(msg())).body.errcode).toBe(43101);
    fake.state.subscriptions.consent(openid, 'T1', 'accept');
    const ok = await send(msg());
    expect(ok).toEqual({ status: 200, body: { errcode: 0, errmsg: 'ok' } });
    expect(fake.state.subscriptions.delivered).toHaveLength(1);
    expect(fake.state.subscriptions.delivered[0]).toMatchObject({
      touser: openid,
      templateId: 'T1',
      page: 'pages/home/index?x=1',
    });
    expect((await send(msg())).body.errcode).toBe(43101);
    fake.state.subscriptions.consent(openid, 'T1', 'accept', 'long_term');
    for (let i = 0; i < 3; i++) expect((await send(msg())).body.errcode).toBe(0);
    fake.state.subscriptions.consent(openid, 'T1', 'reject');
    expect((await send(msg())).body.errcode).toBe(43101);
  });

  it('refuses what WeChat refuses, HTTP 200 with an errcode', async () => {
    fake.state.subscriptions.consent(openid, 'T1', 'accept', 'long_term');
    const cases: [Record<string, unknown>, number][] = [
      [{ touser: '' }, 40003],
      [{ touser: 'bad openid!' }, 40003],
      [{ template_id: 'T9' }, 40037],
      [{ template_id: '' }, 40037],
      [{ page: 'pages/nowhere/index' }, 41030],
      [{ data: { thing1: { value: '停水通知' } } }, 47003],
      [{ data: { thing1: { value: '一'.repeat(21) }, time2: { value: '2026-11-24 08:00' } } }, 47003],
      [{ data: { thing1: { value: 'x' }, time2: { value: '明天早上' } } }, 47003],
      [{ miniprogram_state: 'beta' }, 47003],
    ];
    for (const [over, errcode] of cases) {
      const r = await send(msg(over));
      expect({ over, status: r.status, errcode: r.body.errcode }).toEqual({ over, status: 200, errcode });
      expect(r.body.errmsg).toMatch(/rid: /);
    }
    expect((await send(msg(), 'NOT_A_TOKEN')).body.errcode).toBe(40001);
    const missing = await fetch(`${fake.baseUrl}/cgi-bin/message/subscribe/send`, {
      method: 'POST',
      body: '{}',
    });
    expect(((await missing.json()) as { errcode: number }).errcode).toBe(41001);
  });

  it('down: connections dropped; failNext: -1, HTTP 500, no answer', async () => {
    fake.state.down = true;
    await expect(send(msg())).rejects.toThrow();
    fake.state.down = false;
    fake.state.failNext('subscribe_send', -1);
    expect((await send(msg())).body.errcode).toBe(-1);
    fake.state.failNext('subscribe_send', { status: 500, body: '{"errcode":-1}' });
    expect((await send(msg())).status).toBe(500);
  });
});

describe('subscribe templates: configuration and value fitting', () => {
  it('every default template fills every key with a value WeChat accepts, whatever the event says', () => {
    fc.assert(
      fc.property(
        fc.record({
          title: fc.option(fc.string({ maxLength: 80 }), { nil: undefined }),
          time: fc.option(fc.oneof(fc.string(), fc.constant('2026-11-24 08:00')), { nil: undefined }),
          status: fc.option(fc.string({ maxLength: 12 }), { nil: undefined }),
          note: fc.option(fc.string({ maxLength: 200 }), { nil: undefined }),
          place: fc.option(fc.string(), { nil: undefined }),
        }),
        (fields) => {
          for (const t of Object.values(DEFAULT_SUBSCRIBE_TEMPLATES)) {
            const data = templateData(t, fields, new Date('2026-11-23T12:56:00Z'));
            expect(Object.keys(data).sort()).toEqual(Object.values(t.fields).sort());
            for (const [k, v] of Object.entries(data))
              expect([k, valueProblem(k, v.value)]).toEqual([k, undefined]);
          }
        },
      ),
    );
  });

  it('fits values to their type', () => {
    const at = new Date('2026-11-23T12:56:00Z');
    expect(fitValue('thing1', '这是一个非常非常非常非常非常长的通知标题啊', at)).toBe(
      '这是一个非常非常非常非常非常长的通知标…',
    );
    expect(fitValue('phrase2', '处理中 (2)', at)).toBe('处理中');
    expect(fitValue('phrase2', 'done', at)).toBe('有更新');
    expect(fitValue('time3', '不是时间', at)).toBe('2026年11月23日 20:56');
    expect(fitValue('time3', '2026/11/24 08:00', at)).toBe('2026/11/24 08:00');
    expect(fitValue('character_string4', 'A-12 号', at)).toBe('A-12');
  });

  it('WECHAT_SUBSCRIBE_TEMPLATES: parsed and checked, with readable errors', () => {
    const ok = parseSubscribeTemplates(
      JSON.stringify({ notice_published: { id: 'abc', longTerm: true, fields: { title: 'thing1' } } }),
    );
    expect(ok).toEqual({ notice_published: { id: 'abc', longTerm: true, fields: { title: 'thing1' } } });
    expect(() => parseSubscribeTemplates('{')).toThrow(/not JSON/);
    expect(() => parseSubscribeTemplates(JSON.stringify({ no_such_kind: { id: 'a', fields: {} } }))).toThrow(
      /invalid/,
    );
    expect(() =>
      parseSubscribeTemplates(
        JSON.stringify({ notice_published: { id: 'a', fields: { title: 'Thing 1' } } }),
      ),
    ).toThrow(/thing1/);
    expect(() =>
      parseSubscribeTemplates(
        JSON.stringify({ notice_published: { id: 'a', fields: {} }, vote_opened: { id: 'a', fields: {} } }),
      ),
    ).toThrow(/two kinds/);
  });
});
