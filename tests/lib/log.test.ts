/** The structured logger (api/_lib/log.ts): levels, fields of parents and children, one line each. */
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../api/_lib/log';

describe('createLogger', () => {
  it('writes one JSON line per event at or above its level, with its fields and its parents’', () => {
    const lines: string[] = [];
    const log = createLogger('info', { service: 'api', version: '1' }, (l) => lines.push(l));
    const req = log.child({ requestId: 'r1', version: '2' });
    const deeper = req.child({ userId: 'u1' });
    log('debug', 'hidden');
    req('debug', 'hidden too');
    req('info', 'request', { status: 200 });
    deeper('warn', 'slow', { ms: 900, requestId: 'r2' });
    log('error', 'boom');
    const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(parsed.map(({ time, ...rest }) => rest)).toEqual([
      { level: 'info', msg: 'request', service: 'api', version: '2', requestId: 'r1', status: 200 },
      { level: 'warn', msg: 'slow', service: 'api', version: '2', requestId: 'r2', userId: 'u1', ms: 900 },
      { level: 'error', msg: 'boom', service: 'api', version: '1' },
    ]);
    for (const p of parsed) expect(Number.isNaN(Date.parse(String(p.time)))).toBe(false);
  });

  it('a child made for one request does not change its parent or its siblings', () => {
    const lines: string[] = [];
    const log = createLogger('info', {}, (l) => lines.push(l));
    const a = log.child({ requestId: 'a' });
    const b = log.child({ requestId: 'b' });
    a('info', 'x');
    b('info', 'y');
    log('info', 'z');
    expect(lines.map((l) => (JSON.parse(l) as { requestId?: string }).requestId)).toEqual([
      'a',
      'b',
      undefined,
    ]);
  });
});
