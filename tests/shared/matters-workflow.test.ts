import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KIND_TRACKS, MATTER_KINDS, type MatterKind } from '../../shared/matters/kinds';
import {
  DEFAULT_TIME_LIMITS,
  STATE_TIME_LIMIT,
  deadlineFor,
  isOverdue,
  overdueEscalation,
  overdueNote,
  resolveTimeLimits,
} from '../../shared/matters/time-limits';
import {
  MATTER_ACTIONS,
  MATTER_LEVELS,
  MATTER_STATES,
  MAX_REOPENS,
  type MatterAction,
  type MatterLevel,
  type MatterState,
  type TWorkflowActor,
  type TWorkflowMatter,
  WORKFLOW,
  assertTransition,
  availableActions,
  initialLevel,
  isTerminal,
  timelineLabel,
} from '../../shared/matters/workflow';

/** People who may ask, by a short code used in the expected table. */
const PERSONAS = {
  A: { roles: ['villager'], isAuthor: true }, // the author
  V: { roles: ['villager'] }, // another villager
  FR: { roles: ['grid_worker', 'villager'], isFirstResponder: true },
  GW: { roles: ['grid_worker', 'villager'] }, // a grid worker, not this matter's
  AS: { roles: ['grid_worker'], isAssigned: true },
  CA: { roles: ['cadre', 'party_member', 'villager'] },
  SU: { roles: ['supervisor', 'villager'] },
  RP: { roles: ['representative', 'villager'] },
  PM: { roles: ['party_member', 'villager'] },
  TO: { roles: ['town_officer'] },
  CO: { roles: ['county_officer'] },
  SY: { roles: [], isSystem: true },
} satisfies Record<string, TWorkflowActor>;
type Persona = keyof typeof PERSONAS;
const PERSONA_CODES = Object.keys(PERSONAS) as Persona[];

/**
 * The expected table, restated independently of the source: `state action` → who may take it at
 * each level (grid | village | town). Any (state, action) not listed is refused to everyone.
 */
const R = 'FR AS CA | AS CA | AS TO'; // routers: the holder at each level
const ESC = 'SY FR AS CA | SY AS CA | '; // nothing above the town
const EXPECTED: Record<string, string> = {
  'submitted accept': R,
  'submitted escalate': ESC,
  'submitted merge': 'CA | CA | TO',
  'submitted withdraw': 'A | A | A',
  'accepted route_handle': R,
  'accepted route_mediate': R,
  'accepted route_decide': 'CA | CA | ',
  'accepted decline': 'CA | CA | TO',
  'accepted escalate': ESC,
  'accepted merge': 'CA | CA | TO',
  'accepted withdraw': 'A | A | A',
  'reopened route_handle': R,
  'reopened route_mediate': R,
  'reopened route_decide': 'CA | CA | ',
  'reopened decline': 'CA | CA | TO',
  'reopened escalate': ESC,
  'reopened withdraw': 'A | A | A',
  'in_progress resolve': R,
  'in_progress escalate': ESC,
  'in_progress withdraw': 'A | A | A',
  'mediating record_session': R,
  'mediating mediation_succeeded': R,
  'mediating mediation_failed': 'FR AS CA | AS CA | ',
  'mediating refer_out': ' | | AS TO',
  'mediating escalate': ESC,
  'mediating withdraw': 'A | A | A',
  'deciding decision_returned': 'SY CA | SY CA | SY CA',
  'declined appeal': 'A | A | A',
  'declined close': 'SY | SY | SY',
  'appealed uphold_decline': ' | | TO',
  'appealed reopen_by_town': ' | | TO',
  'appealed withdraw': 'A | A | A',
  'resolved follow_up': 'FR AS CA | FR AS CA | FR AS CA',
  'followed_up rate_satisfied': 'A | A | A',
  'followed_up rate_basically_satisfied': 'A | A | A',
  'followed_up rate_unsatisfied': 'A | A | A',
  'followed_up close': 'SY | SY | SY',
};

function expectedFor(state: MatterState, action: MatterAction, level: MatterLevel): Set<string> {
  const row = EXPECTED[`${state} ${action}`];
  if (!row) return new Set();
  const cell = row.split('|')[MATTER_LEVELS.indexOf(level)] ?? '';
  return new Set(cell.trim().split(/\s+/).filter(Boolean));
}

/** A kind that admits the action's track, so the triple test is about roles, not kinds. */
function kindFor(action: MatterAction): MatterKind {
  return action === 'route_mediate' ? 'dispute' : 'complaint';
}

function matter(over: Partial<TWorkflowMatter> = {}): TWorkflowMatter {
  return { state: 'submitted', level: 'grid', kind: 'complaint', aboutCadre: false, reopenCount: 0, ...over };
}

describe('the workflow table', () => {
  const triples = MATTER_STATES.flatMap((state) =>
    MATTER_ACTIONS.flatMap((action) => MATTER_LEVELS.map((level) => [state, action, level] as const)),
  );

  it('every listed (state, action) exists in the source table and vice versa', () => {
    const inSource = MATTER_STATES.flatMap((s) => Object.keys(WORKFLOW[s]).map((a) => `${s} ${a}`)).sort();
    expect(inSource).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(triples)('%s · %s · at %s: exactly the expected people may act', (state, action, level) => {
    const m = matter({ state, level, kind: kindFor(action) });
    const expected = expectedFor(state, action, level);
    for (const code of PERSONA_CODES) {
      const r = assertTransition(m, PERSONAS[code], action, '说明');
      const allowed = expected.has(code);
      expect({ code, ok: r.ok }).toEqual({ code, ok: allowed });
      expect(availableActions(m, PERSONAS[code]).includes(action)).toBe(allowed);
      if (!r.ok) {
        // Someone else may act here → the person is refused; not in the table at all → the state is.
        if (PERSONA_CODES.some((p) => expected.has(p))) expect(r.code).toBe('ACTOR_NOT_ALLOWED');
        if (!EXPECTED[`${state} ${action}`]) expect(r.code).toBe('TRANSITION_NOT_ALLOWED');
      }
    }
  });

  it('a required note must be there and not blank', () => {
    const m = matter({ state: 'in_progress' });
    expect(assertTransition(m, PERSONAS.FR, 'resolve')).toEqual({ ok: false, code: 'NOTE_REQUIRED' });
    expect(assertTransition(m, PERSONAS.FR, 'resolve', '  ')).toEqual({ ok: false, code: 'NOTE_REQUIRED' });
    expect(assertTransition(m, PERSONAS.FR, 'resolve', '路灯已修好')).toMatchObject({
      ok: true,
      to: 'resolved',
    });
    expect(assertTransition(matter(), PERSONAS.FR, 'accept')).toMatchObject({ ok: true, to: 'accepted' });
  });

  it('routing follows the kind: mediation only for disputes, no vote on a dispute or an errand', () => {
    for (const kind of MATTER_KINDS) {
      const acts = availableActions(matter({ state: 'accepted', kind }), PERSONAS.CA);
      const tracks = {
        route_handle: 'handle',
        route_mediate: 'mediate',
        route_decide: 'decide',
        decline: 'decline',
      };
      const offered = Object.entries(tracks)
        .filter(([a]) => acts.includes(a as MatterAction))
        .map(([, t]) => t);
      expect(offered.sort()).toEqual([...KIND_TRACKS[kind]].sort());
    }
    expect(
      assertTransition(matter({ state: 'accepted', kind: 'complaint' }), PERSONAS.CA, 'route_mediate'),
    ).toEqual({ ok: false, code: 'TRANSITION_NOT_ALLOWED' });
  });

  it('escalation and failed mediation move one level up and restart the clock; a session does not', () => {
    const esc = assertTransition(matter(), PERSONAS.SY, 'escalate', '超时');
    expect(esc).toEqual({
      ok: true,
      from: 'submitted',
      to: 'submitted',
      level: 'village',
      reopenCount: 0,
      restartsClock: true,
    });
    const m = matter({ state: 'mediating', kind: 'dispute', level: 'village' });
    expect(assertTransition(m, PERSONAS.CA, 'mediation_failed', '双方不同意')).toMatchObject({
      to: 'mediating',
      level: 'town',
      restartsClock: true,
    });
    expect(assertTransition(m, PERSONAS.CA, 'record_session', '第一次调解')).toMatchObject({
      to: 'mediating',
      level: 'village',
      restartsClock: false,
    });
  });

  it('an appeal goes to the town; the town may send it back to the village', () => {
    const d = matter({ state: 'declined', level: 'village' });
    expect(assertTransition(d, PERSONAS.A, 'appeal', '不是重复的')).toMatchObject({
      to: 'appealed',
      level: 'town',
    });
    const a = matter({ state: 'appealed', level: 'town' });
    expect(assertTransition(a, PERSONAS.TO, 'reopen_by_town', '请村里办理')).toMatchObject({
      to: 'accepted',
      level: 'village',
    });
    expect(assertTransition(a, PERSONAS.TO, 'uphold_decline', '确属重复')).toMatchObject({ to: 'closed' });
  });
});

describe('reopen once, then the town', () => {
  it('the first 不满意 reopens at the same level; the second sends it to the town', () => {
    const first = assertTransition(
      matter({ state: 'followed_up', level: 'village' }),
      PERSONAS.A,
      'rate_unsatisfied',
      '还是漏水',
    );
    expect(first).toMatchObject({ ok: true, to: 'reopened', level: 'village', reopenCount: 1 });
    const second = assertTransition(
      matter({ state: 'followed_up', level: 'village', reopenCount: MAX_REOPENS }),
      PERSONAS.A,
      'rate_unsatisfied',
      '还是漏水',
    );
    expect(second).toMatchObject({ ok: true, to: 'accepted', level: 'town', reopenCount: 1 });
    // At the town, a town officer routes it.
    expect(
      availableActions(matter({ state: 'accepted', level: 'town', reopenCount: 1 }), PERSONAS.TO),
    ).toEqual(['route_handle', 'decline', 'merge']);
  });

  it('不满意 needs a reason; 满意 does not', () => {
    const m = matter({ state: 'followed_up' });
    expect(assertTransition(m, PERSONAS.A, 'rate_unsatisfied')).toEqual({ ok: false, code: 'NOTE_REQUIRED' });
    expect(assertTransition(m, PERSONAS.A, 'rate_satisfied')).toMatchObject({ ok: true, to: 'closed' });
  });

  it('a whole run: raise → accept → handle → resolve → follow up → 不满意 → … → 不满意 → town', () => {
    let m = matter();
    const step = (who: TWorkflowActor, a: MatterAction) => {
      const r = assertTransition(m, who, a, '说明');
      if (!r.ok) throw new Error(`${m.state} ${a}: ${r.code}`);
      m = { ...m, state: r.to, level: r.level, reopenCount: r.reopenCount };
    };
    for (const [who, a] of [
      [PERSONAS.FR, 'accept'],
      [PERSONAS.FR, 'route_handle'],
      [PERSONAS.FR, 'resolve'],
      [PERSONAS.FR, 'follow_up'],
      [PERSONAS.A, 'rate_unsatisfied'],
      [PERSONAS.CA, 'route_handle'],
      [PERSONAS.CA, 'resolve'],
      [PERSONAS.FR, 'follow_up'],
      [PERSONAS.A, 'rate_unsatisfied'],
    ] as const) {
      step(who, a);
    }
    expect(m).toMatchObject({ state: 'accepted', level: 'town', reopenCount: 1 });
  });
});

describe('a matter about a cadre', () => {
  const cadres: TWorkflowActor[] = [
    PERSONAS.CA,
    { roles: ['cadre'], isFirstResponder: true },
    { roles: ['cadre', 'grid_worker'], isAssigned: true, isFirstResponder: true },
    { roles: ['cadre', 'supervisor'] },
  ];

  it('starts at the village (the supervision committee), skipping the grid', () => {
    expect(initialLevel(true)).toBe('village');
    expect(initialLevel(false)).toBe('grid');
  });

  it.each(MATTER_STATES)('in %s, at every level, no cadre of the village may take any action', (state) => {
    for (const level of MATTER_LEVELS) {
      for (const kind of MATTER_KINDS) {
        const m = matter({ state, level, kind, aboutCadre: true });
        for (const c of cadres) {
          expect(availableActions(m, c)).toEqual([]);
          for (const a of MATTER_ACTIONS) expect(assertTransition(m, c, a, '说明').ok).toBe(false);
        }
      }
    }
  });

  it('the supervision committee and the town act instead', () => {
    const m = matter({ state: 'submitted', level: 'village', aboutCadre: true });
    expect(availableActions(m, PERSONAS.SU)).toEqual(['accept', 'escalate', 'merge']);
    expect(availableActions(m, PERSONAS.TO)).toEqual(['accept', 'escalate', 'merge']);
    expect(availableActions(m, PERSONAS.FR)).toEqual([]);
    const acc = matter({ state: 'accepted', level: 'village', aboutCadre: true });
    expect(availableActions(acc, PERSONAS.SU)).toContain('decline');
    const up = assertTransition(m, PERSONAS.SU, 'escalate', '涉及村支书');
    expect(up).toMatchObject({ ok: true, level: 'town' });
  });

  it('a cadre who raised it keeps the author’s actions, and only those', () => {
    const author = { roles: ['cadre' as const], isAuthor: true, isFirstResponder: true };
    expect(
      availableActions(matter({ state: 'submitted', level: 'village', aboutCadre: true }), author),
    ).toEqual(['withdraw']);
  });

  it('a matter not about a cadre gives the supervisor nothing', () => {
    for (const state of MATTER_STATES) {
      for (const level of MATTER_LEVELS) {
        expect(availableActions(matter({ state, level }), PERSONAS.SU)).toEqual([]);
      }
    }
  });
});

describe('the graph', () => {
  it('every state is reachable from submitted', () => {
    const seen = new Set<MatterState>(['submitted']);
    const queue: MatterState[] = ['submitted'];
    while (queue.length) {
      const s = queue.shift()!;
      for (const t of Object.values(WORKFLOW[s])) {
        for (const to of [t.to, t.whenReopened?.to]) {
          if (to && !seen.has(to)) {
            seen.add(to);
            queue.push(to);
          }
        }
      }
    }
    expect([...seen].sort()).toEqual([...MATTER_STATES].sort());
  });

  it('every non-terminal state has an exit to another state and a time limit; terminal ones neither', () => {
    for (const s of MATTER_STATES) {
      const exits = Object.values(WORKFLOW[s]).filter((t) => t.to !== s || t.level === 'up');
      if (isTerminal(s)) {
        expect(STATE_TIME_LIMIT[s]).toBeNull();
      } else {
        expect(exits.length, s).toBeGreaterThan(0);
        expect(STATE_TIME_LIMIT[s], s).not.toBeNull();
        expect(DEFAULT_TIME_LIMITS[STATE_TIME_LIMIT[s]!]).toBeGreaterThan(0);
      }
    }
  });

  /** Every (state, level, kind, reopenCount, aboutCadre) reachable from a new matter. */
  function reachableConfigs(): TWorkflowMatter[] {
    const everyone = Object.values(PERSONAS) as TWorkflowActor[];
    const starts = MATTER_KINDS.flatMap((kind) =>
      [false, true].map((aboutCadre) => matter({ kind, aboutCadre, level: initialLevel(aboutCadre) })),
    );
    const key = (m: TWorkflowMatter) => JSON.stringify(m);
    const seen = new Map(starts.map((m) => [key(m), m]));
    const queue = [...starts];
    while (queue.length) {
      const m = queue.shift()!;
      for (const a of MATTER_ACTIONS) {
        for (const who of [...everyone, { roles: ['supervisor', 'town_officer'] } as TWorkflowActor]) {
          const r = assertTransition(m, who, a, '说明');
          if (!r.ok) continue;
          const next = { ...m, state: r.to, level: r.level, reopenCount: r.reopenCount };
          if (!seen.has(key(next))) {
            seen.set(key(next), next);
            queue.push(next);
          }
        }
      }
    }
    return [...seen.values()];
  }

  it('from every reachable configuration a terminal state is reachable, and the clock has a step', () => {
    const configs = reachableConfigs();
    expect(configs.length).toBeGreaterThan(50);
    for (const m of configs) {
      expect(MATTER_STATES).toContain(m.state);
      expect(m.reopenCount).toBeLessThanOrEqual(MAX_REOPENS);
      if (isTerminal(m.state)) {
        expect(overdueEscalation(m)).toBeNull();
        continue;
      }
      const step = overdueEscalation(m);
      expect(step, `${m.state}@${m.level}`).not.toBeNull();
      if (step!.kind !== 'remind') {
        // The sweep's step must be a transition the table grants to the system.
        const r = assertTransition(m, PERSONAS.SY, step!.action, '超时');
        expect(r.ok, `${m.state}@${m.level} ${step!.action}`).toBe(true);
        if (step!.kind === 'escalate' && r.ok) expect(r.level).toBe(step!.toLevel);
      }
      // Someone can always move it (nobody waits on no one).
      const movers = PERSONA_CODES.filter((p) => availableActions(m, PERSONAS[p]).length > 0);
      expect(movers.length, `${m.state}@${m.level}`).toBeGreaterThan(0);
    }
  });

  it('the people who hold an about-cadre matter can always move it', () => {
    for (const m of reachableConfigs().filter((c) => c.aboutCadre && !isTerminal(c.state))) {
      const movers = [PERSONAS.SU, PERSONAS.TO, PERSONAS.A, PERSONAS.SY, PERSONAS.FR, PERSONAS.AS];
      expect(
        movers.some((p) => availableActions(m, p).length > 0),
        `${m.state}@${m.level}`,
      ).toBe(true);
    }
  });
});

describe('properties', () => {
  const arbMatter = fc.record({
    state: fc.constantFrom(...MATTER_STATES),
    level: fc.constantFrom(...MATTER_LEVELS),
    kind: fc.constantFrom(...MATTER_KINDS),
    aboutCadre: fc.boolean(),
    reopenCount: fc.integer({ min: 0, max: MAX_REOPENS }),
  });
  const arbActor = fc.constantFrom(...(Object.values(PERSONAS) as TWorkflowActor[]));
  const arbStep = fc.tuple(
    arbActor,
    fc.constantFrom(...MATTER_ACTIONS),
    fc.option(fc.string(), { nil: undefined }),
  );

  it('random action sequences never reach an undefined state, level or reopen count', () => {
    fc.assert(
      fc.property(arbMatter, fc.array(arbStep, { maxLength: 40 }), (start, steps) => {
        let m: TWorkflowMatter = start;
        for (const [who, a, note] of steps) {
          const r = assertTransition(m, who, a, note);
          expect(availableActions(m, who).includes(a)).toBe(r.ok || r.code === 'NOTE_REQUIRED');
          if (!r.ok) continue;
          m = { ...m, state: r.to, level: r.level, reopenCount: r.reopenCount };
          expect(MATTER_STATES).toContain(m.state);
          expect(MATTER_LEVELS).toContain(m.level);
          expect(m.reopenCount).toBeLessThanOrEqual(MAX_REOPENS);
          expect(timelineLabel(a, { level: m.level, aboutCadre: m.aboutCadre }).length).toBeGreaterThan(0);
        }
      }),
    );
  });

  it('a terminal state allows no action to anyone', () => {
    fc.assert(
      fc.property(arbMatter, arbActor, (m, who) => {
        if (!isTerminal(m.state)) return;
        expect(availableActions(m, who)).toEqual([]);
      }),
    );
    for (const s of ['closed', 'withdrawn', 'merged'] as const) expect(isTerminal(s)).toBe(true);
  });
});

describe('time limits', () => {
  it('defaults follow the issue', () => {
    expect(DEFAULT_TIME_LIMITS).toMatchObject({ accept: 24, handle: 168, mediate: 360, followUp: 72 });
  });

  it('a village overrides some limits and keeps the rest', () => {
    const l = resolveTimeLimits({ accept: 12, mediate: 10 * 24 });
    expect(l).toEqual({ ...DEFAULT_TIME_LIMITS, accept: 12, mediate: 240 });
    expect(resolveTimeLimits(null)).toEqual(DEFAULT_TIME_LIMITS);
    expect(resolveTimeLimits({ handle: undefined })).toEqual(DEFAULT_TIME_LIMITS);
  });

  const shanghai = (d: Date) =>
    new Intl.DateTimeFormat('sv-SE', {
      timeZone: 'Asia/Shanghai',
      dateStyle: 'short',
      timeStyle: 'medium',
    }).format(d);

  it.each([
    // Entered at 23:30 Beijing on a month end; on US and EU DST change days (no DST in Beijing).
    ['submitted', '2024-03-31T23:30:00+08:00', '2024-04-01 23:30:00'],
    ['in_progress', '2024-03-09T10:00:00+08:00', '2024-03-16 10:00:00'],
    ['mediating', '2024-10-20T08:15:00+08:00', '2024-11-04 08:15:00'],
    ['resolved', '2024-02-27T18:00:00+08:00', '2024-03-01 18:00:00'],
  ] as const)('%s entered %s is due %s Beijing time', (state, entered, due) => {
    const d = deadlineFor(state, new Date(entered), DEFAULT_TIME_LIMITS)!;
    expect(shanghai(d)).toBe(due);
  });

  it('deadlines use the village’s limits, terminal states have none, and overdue starts at the deadline', () => {
    const at = new Date('2024-06-01T00:00:00Z');
    expect(deadlineFor('submitted', at, resolveTimeLimits({ accept: 2 }))!.toISOString()).toBe(
      '2024-06-01T02:00:00.000Z',
    );
    expect(deadlineFor('closed', at, DEFAULT_TIME_LIMITS)).toBeNull();
    const limits = resolveTimeLimits({ accept: 2 });
    expect(isOverdue({ state: 'submitted', enteredAt: at }, new Date('2024-06-01T01:59:59Z'), limits)).toBe(
      false,
    );
    expect(isOverdue({ state: 'submitted', enteredAt: at }, new Date('2024-06-01T02:00:00Z'), limits)).toBe(
      true,
    );
    expect(isOverdue({ state: 'closed', enteredAt: at }, new Date('2030-01-01T00:00:00Z'), limits)).toBe(
      false,
    );
  });

  it('the sweep escalates grid → village → town, closes what waited on the villager, reminds at the top', () => {
    expect(overdueEscalation({ state: 'submitted', level: 'grid' })).toEqual({
      kind: 'escalate',
      action: 'escalate',
      toLevel: 'village',
    });
    expect(overdueEscalation({ state: 'mediating', level: 'village' })).toMatchObject({ toLevel: 'town' });
    expect(overdueEscalation({ state: 'in_progress', level: 'town' })).toEqual({
      kind: 'remind',
      notify: 'town',
    });
    expect(overdueEscalation({ state: 'declined', level: 'village' })).toEqual({
      kind: 'close',
      action: 'close',
    });
    expect(overdueEscalation({ state: 'followed_up', level: 'grid' })).toEqual({
      kind: 'close',
      action: 'close',
    });
    expect(overdueEscalation({ state: 'resolved', level: 'grid' })).toEqual({
      kind: 'remind',
      notify: 'village',
    });
    expect(overdueEscalation({ state: 'closed', level: 'town' })).toBeNull();
    expect(overdueNote('submitted', DEFAULT_TIME_LIMITS)).toBe('超过受理时限（1天），系统自动处理');
    expect(overdueNote('submitted', resolveTimeLimits({ accept: 12 }))).toBe(
      '超过受理时限（12小时），系统自动处理',
    );
  });
});

describe('timeline words', () => {
  it('says what happened in plain Chinese', () => {
    expect(timelineLabel('accept', { level: 'grid' })).toBe('网格员已受理');
    expect(timelineLabel('route_mediate', { level: 'village' })).toBe('已转村调解委员会调解');
    expect(timelineLabel('resolve')).toBe('已办结');
    expect(timelineLabel('rate_satisfied')).toBe('您评价：满意');
    expect(timelineLabel('escalate', { level: 'village', aboutCadre: true })).toBe('已转村务监督委员会处理');
    expect(timelineLabel('escalate', { level: 'town' })).toBe('已转镇（街道）处理');
  });

  it('has words for every action at every level, with no English left in them', () => {
    for (const a of MATTER_ACTIONS) {
      for (const level of MATTER_LEVELS) {
        expect(timelineLabel(a, { level })).toMatch(/^[^a-zA-Z]+$/);
      }
    }
  });
});
