/** Small helpers every route file uses: response declarations and turning outcomes into responses. */
import type { Context } from 'hono';
import type { z } from 'zod';
import { ZErrorSchema } from '../../shared/schemas/common';
import type { AppEnv } from '../_app/context';
import { type Outcome, errorBody, statusOf } from './errors';

export const json = <T extends z.ZodType>(schema: T, description = 'OK') => ({
  description,
  content: { 'application/json': { schema } },
});

export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { 'application/json': { schema } },
});

const err = (description: string) => json(ZErrorSchema, description);

/** The refusals every authenticated route may give. */
export const AUTH_ERRORS = {
  400: err('BAD_JSON / VALIDATION_FAILED'),
  401: err('UNAUTHENTICATED / TOKEN_EXPIRED / TOKEN_INVALID'),
  403: err('FORBIDDEN'),
  404: err('NOT_FOUND'),
  409: err('CONFLICT / IDEMPOTENCY_IN_PROGRESS'),
  413: err('PAYLOAD_TOO_LARGE'),
  422: err('IDEMPOTENCY_MISMATCH / domain rule failed'),
  429: err('RATE_LIMITED'),
} as const;

export const PUBLIC_ERRORS = { 400: AUTH_ERRORS[400], 404: AUTH_ERRORS[404], 429: AUTH_ERRORS[429] } as const;

export const SECURED = [{ bearer: [] }];

/**
 * Typed as `never` so a handler can return it whatever responses its route declares: the value
 * is validated by the operation's types and the route's declared schema documents it.
 */
export type AnyRouteResponse = never;

/** JSON text of answers many requests share. */
const sharedText = new WeakMap<object, string>();

/**
 * Marks a value that many requests are answered with (a coalesced read's, api/_lib/coalesce.ts):
 * it is made into JSON here, once, and `reply` sends that text to each of them.
 */
export function shared<T extends object>(value: T): T {
  sharedText.set(value, JSON.stringify(value));
  return value;
}

/** Outcome → Response: the value as JSON with `status`, or the failure in the one error shape. */
export function reply<T>(c: Context<AppEnv>, outcome: Outcome<T>, status: 200 | 201 = 200): AnyRouteResponse {
  if (outcome.ok) {
    const value = outcome.value as object;
    const text = sharedText.get(value);
    if (text === undefined) return c.json(value, status) as AnyRouteResponse;
    return c.body(text, status, { 'Content-Type': 'application/json' }) as AnyRouteResponse;
  }
  return c.json(
    errorBody(outcome.error, c.get('requestId')),
    statusOf(outcome.error.code),
  ) as AnyRouteResponse;
}
