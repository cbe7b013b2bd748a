/** Form rules of the join flow, matching ZJoinVillageSchema / ZInviteCode in shared/schemas/villages.ts. */
import { PHONE_RE, normalisePhone } from '@shared/format';
import type { TJoinVillageBody } from '../api/types';

export const INVITE_CODE_RE = /^[A-Z0-9]{6}$/;

export function normaliseInviteCode(raw: string): string {
  return raw.replace(/\s/g, '').toUpperCase();
}

export function inviteCodeError(raw: string): string | null {
  const code = normaliseInviteCode(raw);
  if (!code) return '请填写邀请码';
  if (!INVITE_CODE_RE.test(code)) return '邀请码是6位字母或数字';
  return null;
}

/**
 * The invite code in a scanned QR: either the bare code, or a link / mini-program path carrying
 * `code=XXXXXX`.
 */
export function parseScannedCode(result: string): string | null {
  const m = /[?&]code=([A-Za-z0-9]{6})(?:[&#]|$)/.exec(result);
  const code = normaliseInviteCode(m?.[1] ?? result);
  return INVITE_CODE_RE.test(code) ? code : null;
}

export type JoinFormValues = { name: string; phone: string; householdNo: string };
export type JoinFormErrors = Partial<Record<keyof JoinFormValues, string>>;

export type JoinFormResult =
  | { ok: true; body: Omit<TJoinVillageBody, 'inviteCode'> }
  | { ok: false; errors: JoinFormErrors };

export function validateJoinForm(values: JoinFormValues): JoinFormResult {
  const errors: JoinFormErrors = {};
  const name = values.name.trim();
  if (!name) errors.name = '请填写姓名';
  else if (Array.from(name).length > 20) errors.name = '姓名太长';

  const phone = normalisePhone(values.phone.trim());
  if (!phone) errors.phone = '请填写手机号';
  else if (!PHONE_RE.test(phone)) errors.phone = '手机号不对，应是11位数字';

  const householdNo = values.householdNo.trim();
  if (householdNo.length > 20) errors.householdNo = '户号太长';

  if (Object.keys(errors).length) return { ok: false, errors };
  return { ok: true, body: householdNo ? { name, phone, householdNo } : { name, phone } };
}
