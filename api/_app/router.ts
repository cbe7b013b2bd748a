/** Router factory shared by every route group: validation failures become VALIDATION_FAILED. */
import { OpenAPIHono } from '@hono/zod-openapi';
import { z } from 'zod';
import zhCN from 'zod/v4/locales/zh-CN.js';
import { errorBody } from '../_lib/errors';
import type { AppEnv } from './context';

z.config(zhCN());

const CJK_RE = /[\u4e00-\u9fff]/;

type HookResult = { success: boolean; error?: { issues: readonly z.core.$ZodIssue[] } };
type HookContext = { json: (body: unknown, status: 400) => Response; get: (k: 'requestId') => string };

/** Turns a zod failure into VALIDATION_FAILED with a Chinese message the user can act on. */
export function validationHook(result: HookResult, c: HookContext) {
  if (result.success || !result.error) return;
  const issues = result.error.issues.map((i) => ({
    path: i.path.join('.'),
    code: i.code,
    message: i.message,
  }));
  const first = issues.find((i) => CJK_RE.test(i.message));
  return c.json(
    errorBody(
      { code: 'VALIDATION_FAILED', message: first?.message, details: { issues } },
      c.get('requestId'),
    ),
    400,
  );
}

export function newRouter() {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook as never });
}
