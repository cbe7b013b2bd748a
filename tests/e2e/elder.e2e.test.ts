/**
 * Elder mode and accessibility on every main page of the h5 build (real server from
 * global-setup.ts), in three browsers:
 *   normal — default type;
 *   elder  — 长辈模式 chosen by the user (PATCH /api/me);
 *   x1.4   — the browser's default font size at 23 px (≈ 1.44×, at least WeChat's largest), which
 *            the app follows (--font-scale) and which turns elder mode on by itself.
 * On each page: axe-core finds no serious or critical violation (normal and elder); no text is
 * clipped, overflows its box or the screen, or overlaps other text (all three); tap targets are
 * ≥ 44 px (elder and x1.4). Screenshots: tests/e2e/screenshots/elder-<page>-{normal,x1.4}.png.
 *
 * PAGES is the one list: a new page is one more line (lead: add the merged pages here).
 * The shared demo cadre's and town officer's elder-mode choices are restored after their pages.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, type Page, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';

type Ctx = {
  villageId: string;
  villageName: string;
  noticeId: string;
  /** Councils (demo seed): the open vote, the closed one, a proposal with a next step, a petition. */
  openVoteId: string;
  closedVoteId: string;
  proposalId: string;
  petitionId: string;
  /** Disclosures: a draft waiting for review (its disclosure id). */
  reviewId: string;
  /** Services: one bookable service and a free slot of it. */
  serviceId: string;
  slotStartsAt: string;
  /** Matters: one raised by the cadre in setup, so its page has a timeline and actions. */
  matterId: string;
};
type E2EPage = {
  name: string;
  /** Hash route of the h5 build. */
  path: string | ((c: Ctx) => string);
  /**
   * Who looks at it: nobody signed in, the showcase cadre of 东坪村 (who may open every village
   * page), or the demo town officer (the town's pages). Pages of one person follow each other.
   */
  as: 'anon' | 'cadre' | 'town';
  /** Taps to reach a view that has no route of its own (e.g. a disclosure opened in place). */
  open?: (page: Page, mode: string) => Promise<void>;
};

const q = (o: Record<string, string>) => new URLSearchParams(o).toString();

/** Every main page. Add new pages here (one line each). */
export const PAGES: E2EPage[] = [
  { name: 'login', path: '/pages/login/index', as: 'anon' },
  { name: 'home', path: '/pages/home/index', as: 'cadre' },
  { name: 'council', path: '/pages/council/index', as: 'cadre' },
  { name: 'disclosure', path: '/pages/disclosure/index', as: 'cadre' },
  { name: 'services', path: '/pages/services/index', as: 'cadre' },
  { name: 'mine', path: '/pages/mine/index', as: 'cadre' },
  { name: 'inbox', path: '/pages/inbox/index', as: 'cadre' },
  { name: 'notify-settings', path: '/pages/notify-settings/index', as: 'cadre' },
  {
    name: 'notice',
    path: (c) => `/pages/notice/index?villageId=${c.villageId}&id=${c.noticeId}`,
    as: 'cadre',
  },
  { name: 'join', path: '/pages/join/index', as: 'cadre' },
  { name: 'manage', path: '/subpackages/manage/index/index', as: 'cadre' },
  { name: 'manage-join-requests', path: '/subpackages/manage/join-requests/index', as: 'cadre' },
  { name: 'manage-roster', path: '/subpackages/manage/roster/index', as: 'cadre' },
  { name: 'manage-households', path: '/subpackages/manage/households/index', as: 'cadre' },
  { name: 'manage-members', path: '/subpackages/manage/members/index', as: 'cadre' },
  { name: 'manage-audit', path: '/subpackages/manage/audit/index', as: 'cadre' },
  { name: 'manage-notices', path: '/subpackages/manage/notices/index', as: 'cadre' },
  { name: 'manage-notice-new', path: '/subpackages/manage/notice-new/index', as: 'cadre' },
  { name: 'manage-content-reviews', path: '/subpackages/manage/content-reviews/index', as: 'cadre' },
  // 议事
  {
    name: 'council-vote-open',
    path: (c) => `/subpackages/council/vote/index?${q({ villageId: c.villageId, id: c.openVoteId })}`,
    as: 'cadre',
  },
  {
    name: 'council-vote-closed',
    path: (c) => `/subpackages/council/vote/index?${q({ villageId: c.villageId, id: c.closedVoteId })}`,
    as: 'cadre',
  },
  {
    name: 'council-receipt',
    path: (c) => `/subpackages/council/receipt/index?${q({ villageId: c.villageId, id: c.closedVoteId })}`,
    as: 'cadre',
  },
  {
    name: 'council-proposal',
    path: (c) => `/subpackages/council/proposal/index?${q({ villageId: c.villageId, id: c.proposalId })}`,
    as: 'cadre',
  },
  {
    name: 'council-petition',
    path: (c) => `/subpackages/council/petition/index?${q({ villageId: c.villageId, id: c.petitionId })}`,
    as: 'cadre',
  },
  {
    name: 'council-admin',
    path: (c) =>
      `/subpackages/council-admin/index/index?${q({ villageId: c.villageId, villageName: c.villageName })}`,
    as: 'cadre',
  },
  {
    name: 'council-admin-stage',
    path: (c) => `/subpackages/council-admin/stage/index?${q({ villageId: c.villageId, id: c.proposalId })}`,
    as: 'cadre',
  },
  {
    name: 'council-petition-new',
    path: (c) => `/subpackages/council/petition-new/index?${q({ villageId: c.villageId })}`,
    as: 'cadre',
  },
  {
    name: 'council-admin-reports',
    path: (c) => `/subpackages/council-admin/reports/index?${q({ villageId: c.villageId })}`,
    as: 'cadre',
  },
  {
    name: 'council-admin-paper',
    path: (c) => `/subpackages/council-admin/paper/index?${q({ villageId: c.villageId, id: c.openVoteId })}`,
    as: 'cadre',
  },
  // 公开
  {
    name: 'disclosure-power',
    path: '/pages/disclosure/index',
    as: 'cadre',
    open: async (page) => {
      await page.locator('.screen:visible [data-testid="section-power"]').click();
      await page.locator('.screen:visible [data-testid^="power-"]').first().waitFor();
    },
  },
  {
    name: 'disclosure-detail',
    path: '/pages/disclosure/index',
    as: 'cadre',
    // The tab keeps its state: back to 财务公开 (the power list was open), then the first item.
    open: async (page, mode) => {
      await page.locator('.screen:visible [data-testid="section-finance"]').click();
      await page.locator('.screen:visible [data-testid^="board-item-"]').first().click();
      await page.locator('.screen:visible [data-testid="disclosure-detail"]').waitFor();
      await settle(page);
      // The totals and the ledger lower down, for a look (the page's own shot shows the top).
      await page.locator('.screen:visible [data-testid="total-opening"]').scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(SHOTS, `elder-disclosure-ledger-${mode}.png`) });
    },
  },
  {
    name: 'disclosure-admin',
    path: (c) => `/subpackages/disclosure-admin/index/index?${q({ villageId: c.villageId })}`,
    as: 'cadre',
  },
  {
    name: 'disclosure-admin-edit',
    path: (c) => `/subpackages/disclosure-admin/edit/index?${q({ villageId: c.villageId, kind: 'finance' })}`,
    as: 'cadre',
  },
  {
    name: 'disclosure-admin-review',
    path: (c) =>
      `/subpackages/disclosure-admin/review/index?${q({ villageId: c.villageId, id: c.reviewId })}`,
    as: 'cadre',
  },
  // 办事
  {
    name: 'services-service',
    path: (c) =>
      `/subpackages/services/service/index?${q({ villageId: c.villageId, serviceId: c.serviceId })}`,
    as: 'cadre',
  },
  {
    name: 'services-book',
    path: (c) =>
      `/subpackages/services/book/index?${q({ villageId: c.villageId, serviceId: c.serviceId, startsAt: c.slotStartsAt })}`,
    as: 'cadre',
  },
  {
    name: 'services-bookings',
    path: (c) => `/subpackages/services/bookings/index?${q({ villageId: c.villageId })}`,
    as: 'cadre',
  },
  {
    name: 'services-desk',
    path: (c) => `/subpackages/services-desk/index/index?${q({ villageId: c.villageId })}`,
    as: 'cadre',
  },
  {
    name: 'services-desk-hours',
    path: (c) => `/subpackages/services-desk/hours/index?${q({ villageId: c.villageId })}`,
    as: 'cadre',
  },
  {
    name: 'services-desk-catalogue',
    path: (c) => `/subpackages/services-desk/services/index?${q({ villageId: c.villageId })}`,
    as: 'cadre',
  },
  // 事项
  { name: 'matters-raise', path: '/subpackages/matters/raise/index', as: 'cadre' },
  { name: 'matters-list', path: '/subpackages/matters/list/index', as: 'cadre' },
  {
    name: 'matters-detail',
    path: (c) => `/subpackages/matters/detail/index?${q({ villageId: c.villageId, id: c.matterId })}`,
    as: 'cadre',
  },
  { name: 'matters-inbox', path: '/subpackages/matters/inbox/index', as: 'cadre' },
  // 乡镇 (the town officer)
  { name: 'disclosure-town', path: '/subpackages/disclosure-admin/town/index', as: 'town' },
];

type Mode = { name: 'normal' | 'elder' | 'x1.4'; defaultFontPx: number; elderChosen: boolean };
const MODES: Mode[] = [
  { name: 'normal', defaultFontPx: 16, elderChosen: false },
  { name: 'elder', defaultFontPx: 16, elderChosen: true },
  { name: 'x1.4', defaultFontPx: 23, elderChosen: false },
];

const BASE = (inject('e2eBaseUrl') ?? process.env.E2E_BASE_URL)?.replace(/\/$/, '');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.join(path.dirname(fileURLToPath(import.meta.url)), 'screenshots');
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const missing = !BASE ? 'E2E_BASE_URL is not set' : null;
if (missing) console.warn(`\n!!! tests/e2e/elder.e2e.test.ts SKIPPED: ${missing}.\n`);

type DevUser = { id: string; displayName: string; roles: { role: string; villageName: string | null }[] };

/** A browser whose default font size is `px` (Chromium's own preference, as a villager sets it). */
async function launch(px: number): Promise<{ context: BrowserContext; dir: string }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'e2e-elder-'));
  mkdirSync(path.join(dir, 'Default'), { recursive: true });
  writeFileSync(
    path.join(dir, 'Default', 'Preferences'),
    JSON.stringify({ webkit: { webprefs: { default_font_size: px } } }),
  );
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 1,
    locale: 'zh-CN',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  return { context, dir };
}

/** Waits until the page on screen has content and is no longer loading. */
async function settle(page: Page) {
  await page.waitForFunction(
    () => {
      const screen = [...document.querySelectorAll<HTMLElement>('.screen')].find(
        (s) => s.getClientRects().length,
      );
      const text = screen?.textContent ?? '';
      return !!screen && text.trim().length > 0 && !text.includes('正在加载') && !text.includes('请稍候');
    },
    undefined,
    { timeout: 15_000 },
  );
  await page.waitForTimeout(250);
}

async function go(page: Page, route: string) {
  await page.goto(`${BASE}/#${route}`);
  await settle(page);
}

async function axeViolations(page: Page) {
  if (!(await page.evaluate(() => 'axe' in window))) await page.addScriptTag({ content: AXE_SOURCE });
  const violations = await page.evaluate(async () => {
    const axe = (
      window as unknown as {
        axe: {
          run: (
            ctx: unknown,
            o: unknown,
          ) => Promise<{
            violations: {
              id: string;
              impact: string;
              help: string;
              nodes: { target: unknown[]; failureSummary: string }[];
            }[];
          }>;
        };
      }
    ).axe;
    const r = await axe.run(document, { resultTypes: ['violations'] });
    return r.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes
        .slice(0, 5)
        .map((n) => `${JSON.stringify(n.target)} ${n.failureSummary.split('\n')[1] ?? ''}`),
    }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** Text that is clipped, wider than its box or the screen, or on top of other text. */
async function layoutProblems(page: Page) {
  return page.evaluate(() => {
    const screen = [...document.querySelectorAll<HTMLElement>('.screen')].find(
      (s) => s.getClientRects().length,
    )!;
    const problems: string[] = [];
    const name = (el: Element) =>
      `${el.tagName.toLowerCase()}.${[...el.classList].join('.')} "${(el.textContent ?? '').trim().slice(0, 24)}"`;
    const viewW = document.documentElement.clientWidth;
    if (document.documentElement.scrollWidth > viewW + 1)
      problems.push(`page scrolls sideways (${document.documentElement.scrollWidth} > ${viewW})`);
    const leaves: { el: Element; r: DOMRect }[] = [];
    for (const el of screen.querySelectorAll<HTMLElement>('*')) {
      const st = getComputedStyle(el);
      if (st.display === 'none' || st.visibility === 'hidden') continue;
      const r = el.getBoundingClientRect();
      if (r.width === 0 && r.height === 0) continue;
      const ownText = [...el.childNodes].some((n) => n.nodeType === 3 && (n.textContent ?? '').trim());
      if (!ownText) continue;
      if (r.right > viewW + 1 || r.left < -1) problems.push(`off screen: ${name(el)}`);
      const parent = el.parentElement;
      if (parent) {
        const p = parent.getBoundingClientRect();
        if (r.left < p.left - 1 || r.right > p.right + 1) problems.push(`wider than its box: ${name(el)}`);
      }
      if (st.display !== 'inline') {
        if (el.scrollWidth > el.clientWidth + 1) problems.push(`overflows sideways: ${name(el)}`);
        if (st.overflowY !== 'visible' && el.scrollHeight > el.clientHeight + 1)
          problems.push(`clipped: ${name(el)}`);
        if (st.textOverflow === 'ellipsis' && el.scrollWidth > el.clientWidth)
          problems.push(`cut with …: ${name(el)}`);
      }
      leaves.push({ el, r });
    }
    // Fields: the typed text (or the placeholder) must fit the box's height.
    for (const el of screen.querySelectorAll<HTMLInputElement>(
      'input:not([type="file"]):not([type="hidden"])',
    )) {
      if (!el.getClientRects().length) continue;
      const fontPx = Number.parseFloat(getComputedStyle(el).fontSize);
      if (el.clientHeight < fontPx * 1.15)
        problems.push(`field too low for its text: ${name(el)} ${el.clientHeight}px < ${fontPx}px type`);
    }
    // A short label inside a pill/switch broken over lines ("已打\n开").
    for (const el of screen.querySelectorAll<HTMLElement>('.toggle-switch, .tag, .btn-text, .ra-label')) {
      if (!el.getClientRects().length) continue;
      const text = (el.textContent ?? '').trim();
      const lineH =
        Number.parseFloat(getComputedStyle(el).lineHeight) ||
        Number.parseFloat(getComputedStyle(el).fontSize) * 1.6;
      const textEl = el.querySelector('*') ?? el;
      const h = textEl.getBoundingClientRect().height;
      if (text.length <= 4 && h > lineH * 1.6) problems.push(`short label broken over lines: ${name(el)}`);
    }
    // Text on top of other text (ancestors and descendants aside).
    for (let i = 0; i < leaves.length; i++) {
      for (let j = i + 1; j < leaves.length; j++) {
        const a = leaves[i]!;
        const b = leaves[j]!;
        if (a.el.contains(b.el) || b.el.contains(a.el)) continue;
        const w = Math.min(a.r.right, b.r.right) - Math.max(a.r.left, b.r.left);
        const h = Math.min(a.r.bottom, b.r.bottom) - Math.max(a.r.top, b.r.top);
        if (w > 2 && h > 2) problems.push(`overlap: ${name(a.el)} × ${name(b.el)}`);
      }
    }
    return problems;
  });
}

/** Things one taps that are smaller than 44 CSS px in either direction. */
async function smallTargets(page: Page) {
  return page.evaluate(() => {
    const screen = [...document.querySelectorAll<HTMLElement>('.screen')].find(
      (s) => s.getClientRects().length,
    )!;
    const sel =
      '.btn, .link-row, [role="button"], .ra-btn, .voice-btn, .toggle-switch, .inbox-row, .notice-row, input, textarea';
    return [...screen.querySelectorAll<HTMLElement>(sel)]
      .filter((el) => el.getClientRects().length && (el as HTMLInputElement).type !== 'file')
      .map((el) => ({ el, r: el.getBoundingClientRect() }))
      .filter(({ r }) => r.height < 44 || r.width < 44)
      .map(
        ({ el, r }) =>
          `${el.className} "${(el.textContent ?? '').trim().slice(0, 16)}" ${Math.round(r.width)}×${Math.round(r.height)}`,
      );
  });
}

describe.skipIf(missing !== null)('elder mode and accessibility on every page (h5)', () => {
  let cadre: DevUser;
  let town: DevUser;
  let ctx: Ctx;
  const found: Record<string, { axe: unknown[]; layout: string[]; targets: string[] }> = {};

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    const res = await fetch(`${BASE}/api/auth/dev-users`);
    const { users } = (await res.json()) as { users: DevUser[] };
    cadre = users.find((u) => u.roles.some((r) => r.role === 'cadre' && r.villageName === '东坪村'))!;
    town = users.find((u) => u.roles.some((r) => r.role === 'town_officer'))!;
    expect(town, 'demo data: a town officer').toBeDefined();
    const login = await fetch(`${BASE}/api/auth/dev`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ userId: cadre.id }),
    });
    const { token } = (await login.json()) as { token: string };
    const me = (await (
      await fetch(`${BASE}/api/me`, { headers: { authorization: `Bearer ${token}` } })
    ).json()) as {
      memberships: { villageId: string | null; role: string }[];
    };
    const villageId = me.memberships.find((m) => m.role === 'cadre')!.villageId!;
    const list = (await (
      await fetch(`${BASE}/api/villages/${villageId}/notices`, {
        headers: { authorization: `Bearer ${token}` },
      })
    ).json()) as { items: { id: string }[] };
    let noticeId = list.items[0]?.id;
    if (!noticeId) {
      const pub = await fetch(`${BASE}/api/villages/${villageId}/notices`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          title: '秋季防火通知',
          body: '秋收时节天干物燥，请不要在田里焚烧秸秆。\n发现火情请马上拨打119，并告诉网格员。',
          audience: { type: 'village' },
        }),
      });
      noticeId = ((await pub.json()) as { id: string }).id;
    }
    const get = async <T>(url: string) =>
      (await (
        await fetch(`${BASE}/api${url}`, { headers: { authorization: `Bearer ${token}` } })
      ).json()) as T;
    const v = `/villages/${villageId}`;
    const villageName = cadre.roles.find((r) => r.role === 'cadre')?.villageName ?? '东坪村';
    const votes = await get<{ items: { id: string; status: string }[] }>(`${v}/votes`);
    const proposals = await get<{ items: { id: string; source: string; nextStage: string | null }[] }>(
      `${v}/proposals`,
    );
    const drafts = await get<{ items: { disclosureId: string; status: string }[] }>(
      `${v}/disclosures/drafts`,
    );
    const services = await get<{ items: { id: string; bookable: boolean }[] }>(`${v}/services`);
    const serviceId = services.items.find((s) => s.bookable)!.id;
    const slots = await get<{ items: { startsAt: string; status: string }[] }>(
      `${v}/services/${serviceId}/slots?days=14`,
    );
    const proposalId = (proposals.items.find((p) => p.nextStage) ?? proposals.items[0])!.id;
    const raised = await fetch(`${BASE}/api${v}/matters`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': 'application/json',
        'idempotency-key': `elder-e2e-${Date.now()}`,
      },
      body: JSON.stringify({
        kind: 'suggestion',
        category: 'roads',
        text: '建议在村口的弯道装一面反光镜，晚上看得清。',
      }),
    });
    const matterId = ((await raised.json()) as { id: string }).id;
    ctx = {
      villageId,
      villageName,
      noticeId: noticeId!,
      openVoteId: votes.items.find((x) => x.status === 'open')!.id,
      closedVoteId: votes.items.find((x) => x.status === 'closed')!.id,
      proposalId,
      petitionId: (proposals.items.find((p) => p.source === 'petition') ?? { id: proposalId }).id,
      reviewId: (drafts.items.find((d) => d.status === 'submitted') ?? drafts.items[0])!.disclosureId,
      serviceId,
      slotStartsAt: slots.items.find((x) => x.status === 'open')!.startsAt,
      matterId,
    };
  });

  for (const mode of MODES) {
    describe(`${mode.name}`, () => {
      let context: BrowserContext;
      let dir: string;
      let page: Page;
      const consoleErrors: string[] = [];

      beforeAll(async () => {
        ({ context, dir } = await launch(mode.defaultFontPx));
        page = context.pages()[0] ?? (await context.newPage());
        page.on('console', (m) => {
          if (m.type() === 'error') consoleErrors.push(m.text());
        });
      }, 60_000);

      /** Who the page is signed in as (a person's pages follow each other in PAGES). */
      let signedIn: DevUser | undefined;
      /** Sets the signed-in person's own elder-mode choice (PATCH /api/me with the page's token). */
      const chooseElder = (on: boolean) =>
        page.evaluate(async (elderMode) => {
          const token = (JSON.parse(localStorage.getItem('cmcy.token') ?? '') as { data: string }).data;
          await fetch('/api/me', {
            method: 'PATCH',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ elderMode }),
          });
        }, on);

      afterAll(async () => {
        // Leave the shared demo person signed in last as found (the one before was restored when
        // the next signed in).
        if (mode.elderChosen && page && signedIn) await chooseElder(false);
        await context?.close();
        if (dir) rmSync(dir, { recursive: true, force: true });
      });

      /** Signs the page in as `who`, signing out whoever was (their elder-mode choice restored). */
      const signIn = async (who: DevUser) => {
        if (signedIn === who) return;
        if (signedIn) {
          if (mode.elderChosen) await chooseElder(false);
          // Signed out on this phone: the token gone, the app started again.
          await page.evaluate(() => localStorage.removeItem('cmcy.token'));
          await go(page, '/pages/login/index');
          await page.reload();
        }
        await go(page, '/pages/login/index');
        await page.locator(`[data-testid="dev-user-${who.id}"]`).click();
        await page.getByText(`${who.displayName}，您好`).waitFor();
        if (mode.elderChosen) {
          await chooseElder(true);
          await page.reload();
        }
        signedIn = who;
      };

      for (const p of PAGES) {
        it(`${p.name}`, async () => {
          if (p.as !== 'anon') await signIn(p.as === 'town' ? town : cadre);
          const route = typeof p.path === 'function' ? p.path(ctx) : p.path;
          await go(page, route);
          if (p.open) await p.open(page, mode.name);
          const screen = page.locator('.screen:visible').first();
          const elderOn = await screen.evaluate((el) => el.classList.contains('elder'));
          const fontScale = await screen.evaluate((el) =>
            getComputedStyle(el).getPropertyValue('--font-scale'),
          );
          if (p.as !== 'anon' || mode.name !== 'elder') {
            expect(elderOn, 'elder mode as the mode says').toBe(mode.name !== 'normal');
          }
          if (mode.name === 'x1.4') expect(Number(fontScale)).toBeGreaterThanOrEqual(1.4);

          const axe = mode.name === 'x1.4' ? [] : await axeViolations(page);
          const layout = await layoutProblems(page);
          const targets = mode.name === 'normal' ? [] : await smallTargets(page);
          found[`${mode.name} ${p.name}`] = { axe, layout, targets };
          if (mode.name !== 'elder') {
            await page.screenshot({
              path: path.join(SHOTS, `elder-${p.name}-${mode.name}.png`),
              fullPage: true,
            });
          }
          expect(axe, `axe on ${p.name} (${mode.name})`).toEqual([]);
          expect(layout, `layout of ${p.name} (${mode.name})`).toEqual([]);
          expect(targets, `tap targets on ${p.name} (${mode.name})`).toEqual([]);
        });
      }

      if (mode.name === 'normal') {
        it('朗读 on the notice page: with no browser voice, the server speaks it and the sentence is highlighted', async () => {
          await signIn(cadre);
          await go(page, `/pages/notice/index?villageId=${ctx.villageId}&id=${ctx.noticeId}`);
          const button = page.locator('.screen:visible [data-testid="read-aloud-button"]');
          const answered = page.waitForResponse(
            (r) => r.url().endsWith('/api/speech') && r.request().method() === 'POST',
          );
          await button.click();
          const res = await answered;
          expect(res.status()).toBe(200);
          const { url, contentType } = (await res.json()) as { url: string; contentType: string };
          expect(url).toMatch(/^\/api\/speech\/audio\/[0-9a-f]{64}\.(mp3|wav)\?exp=\d+&sig=/);
          // The browser plays it: the button offers 暂停 and the first sentence is marked.
          await expect.poll(() => button.textContent()).toContain('暂停');
          const current = page.locator('.screen:visible .ra-current');
          await current.waitFor();
          expect((await current.textContent())?.length).toBeGreaterThan(0);
          const audio = await page.evaluate(async (u) => {
            const r = await fetch(u);
            return {
              status: r.status,
              type: r.headers.get('content-type'),
              bytes: (await r.arrayBuffer()).byteLength,
            };
          }, url);
          expect(audio).toMatchObject({ status: 200, type: contentType });
          expect(audio.bytes).toBeGreaterThan(1000);
          await page.screenshot({ path: path.join(SHOTS, 'elder-notice-reading.png') });
          await button.click();
          await expect.poll(() => button.textContent()).toContain('继续');
          await page.locator('.screen:visible [data-testid="read-aloud-stop"]').click();
          await expect.poll(() => button.textContent()).toContain('朗读');
        });
      }

      it('no errors in the console', () => {
        expect(consoleErrors.filter((e) => !/favicon|Failed to load resource/.test(e))).toEqual([]);
      });
    });
  }

  afterAll(() => {
    const bad = Object.entries(found).filter(([, v]) => v.axe.length || v.layout.length || v.targets.length);
    if (bad.length) console.log(JSON.stringify(Object.fromEntries(bad), null, 1).slice(0, 20000));
  });
});
