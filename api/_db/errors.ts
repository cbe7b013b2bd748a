/** What a failed query says, read the same way from node-postgres and PGlite (drizzle wraps the driver's error in `cause`). */

/** The Postgres error code (SQLSTATE), e.g. 23505 for a unique violation. */
export function pgCode(e: unknown): string | undefined {
  const x = e as { code?: unknown; cause?: { code?: unknown } };
  if (typeof x?.code === 'string') return x.code;
  if (typeof x?.cause?.code === 'string') return x.cause.code;
  return undefined;
}

/** The name of the constraint or index the error is about, or ''. */
export const constraintOf = (e: unknown): string =>
  String(
    (e as { constraint?: string; cause?: { constraint?: string } })?.cause?.constraint ??
      (e as { constraint?: string })?.constraint ??
      '',
  );

/** A unique violation, optionally of the named constraint or index. */
export const isUniqueViolation = (e: unknown, constraint?: string) =>
  pgCode(e) === '23505' && (constraint === undefined || constraintOf(e) === constraint);
