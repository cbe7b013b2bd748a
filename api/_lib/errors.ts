/**
 * Expected outcomes are values (`Ok` / `Err` with a stable code); `ApiError` is thrown only by
 * guards (`assert*`) and turned into the one error shape by the app's error handler.
 */
import { ERROR_MESSAGES, ERROR_STATUS, type ApiErrorBody, type ErrorCode } from '../../shared/errors';

export type Failure = { code: ErrorCode; message?: string; details?: unknown };
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: Failure };

export const Ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const Err = (code: ErrorCode, message?: string, details?: unknown): { ok: false; error: Failure } => ({
  ok: false,
  error: { code, message, details },
});

export class ApiError extends Error {
  constructor(
    readonly code: ErrorCode,
    message?: string,
    readonly details?: unknown,
  ) {
    super(message ?? ERROR_MESSAGES[code]);
  }
}

export function errorBody(f: Failure, requestId: string): ApiErrorBody {
  return {
    error: {
      code: f.code,
      message: f.message ?? ERROR_MESSAGES[f.code],
      requestId,
      ...(f.details === undefined ? {} : { details: f.details }),
    },
  };
}

export const statusOf = (code: ErrorCode) => ERROR_STATUS[code];
