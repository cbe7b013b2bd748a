/** Router factory shared by every route group: validation failures become VALIDATION_FAILED. */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { Result, Router } from 'hono/router';
import { TrieRouter } from 'hono/router/trie-router';
import { z } from 'zod';
import { BoundedMap } from '../_lib/bounded-map';
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

/**
 * Hono's TrieRouter, keeping its latest matches by method and path. The API's route table has a
 * literal beside a parameter (`/villages/lookup`, `/villages/:villageId/…`), which RegExpRouter
 * refuses, so Hono's default falls back to walking the trie on every request (616 routes: 4 µs
 * alone, 10–20 µs under load, the largest piece of Hono in a profile of the calendar). The paths
 * people use repeat — a village's services, its calendar — so most requests find their match
 * here. A match is only read after it is made (its params are a fresh object per match), so one
 * may serve many requests; adding a route forgets them all.
 */
export class CachedTrieRouter<T> implements Router<T> {
  readonly name = 'CachedTrieRouter';
  readonly #trie = new TrieRouter<T>();
  readonly #matches: BoundedMap<string, Result<T>>;

  constructor(size = 2_000) {
    this.#matches = new BoundedMap(size);
  }

  add(method: string, path: string, handler: T): void {
    this.#matches.clear();
    this.#trie.add(method, path, handler);
  }

  match(method: string, path: string): Result<T> {
    const key = `${method} ${path}`;
    let found = this.#matches.get(key);
    if (found === undefined) {
      found = this.#trie.match(method, path);
      this.#matches.set(key, found);
    }
    return found;
  }
}

export function newRouter() {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook as never, router: new CachedTrieRouter() });
}
