/** Page paths and navigation helpers. Tab pages need switchTab; others navigateTo. */
import Taro from '@tarojs/taro';

export const PAGES = {
  home: '/pages/home/index',
  council: '/pages/council/index',
  disclosure: '/pages/disclosure/index',
  services: '/pages/services/index',
  mine: '/pages/mine/index',
  login: '/pages/login/index',
  join: '/pages/join/index',
  notice: '/pages/notice/index',
  inbox: '/pages/inbox/index',
  notifySettings: '/pages/notify-settings/index',
  myBookings: '/subpackages/services/bookings/index',
  manage: '/subpackages/manage/index/index',
  joinRequests: '/subpackages/manage/join-requests/index',
  roster: '/subpackages/manage/roster/index',
  households: '/subpackages/manage/households/index',
  members: '/subpackages/manage/members/index',
  audit: '/subpackages/manage/audit/index',
  manageNotices: '/subpackages/manage/notices/index',
  publishNotice: '/subpackages/manage/notice-new/index',
  contentReviews: '/subpackages/manage/content-reviews/index',
  councilProposal: '/subpackages/council/proposal/index',
  councilVote: '/subpackages/council/vote/index',
  councilReceipt: '/subpackages/council/receipt/index',
  councilPetition: '/subpackages/council/petition/index',
  councilNewPetition: '/subpackages/council/petition-new/index',
  councilAdmin: '/subpackages/council-admin/index/index',
  councilStage: '/subpackages/council-admin/stage/index',
  councilPaper: '/subpackages/council-admin/paper/index',
  councilReports: '/subpackages/council-admin/reports/index',
  raiseMatter: '/subpackages/matters/raise/index',
  myMatters: '/subpackages/matters/list/index',
  matter: '/subpackages/matters/detail/index',
  matterInbox: '/subpackages/matters/inbox/index',
  townDisclosures: '/subpackages/disclosure-admin/town/index',
  disclosureAdmin: '/subpackages/disclosure-admin/index/index',
  disclosureReview: '/subpackages/disclosure-admin/review/index',
} as const;

const TAB_PAGES: ReadonlySet<string> = new Set([
  PAGES.home,
  PAGES.council,
  PAGES.disclosure,
  PAGES.services,
  PAGES.mine,
]);

export function go(path: string, params?: Record<string, string>): void {
  if (TAB_PAGES.has(path)) {
    void Taro.switchTab({ url: path });
    return;
  }
  void Taro.navigateTo({ url: withQuery(path, params) });
}

function withQuery(path: string, params?: Record<string, string>): string {
  if (!params) return path;
  const q = Object.entries(params)
    .map(([k, v]) => `${k}=${encodeURIComponent(v)}`)
    .join('&');
  return q ? `${path}?${q}` : path;
}

/** Start over at a page (after login or logout): closes every open page. */
export function restartAt(path: string): void {
  void Taro.reLaunch({ url: path });
}

export function currentRoute(): string {
  const pages = Taro.getCurrentPages();
  const top = pages[pages.length - 1] as { route?: string } | undefined;
  return top?.route ? `/${top.route.replace(/^\//, '')}` : '';
}

export function goLogin(): void {
  if (currentRoute().startsWith(PAGES.login)) return;
  restartAt(PAGES.login);
}

/** Replace the current page (after a form is done, so 返回 does not lead back into it). */
export function replaceWith(path: string, params?: Record<string, string>): void {
  void Taro.redirectTo({ url: withQuery(path, params) });
}

/** A query value as the page was given it: go() encodes, and neither WeChat nor Taro's h5 router decodes. */
export function decodeParam(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
