/** Who counts as 18+ on a given day, in Beijing time (the roster's birth dates are local dates). */
const BEIJING_OFFSET_MS = 8 * 3600_000;

/** The latest birth date (YYYY-MM-DD) of someone who is 18 or older on `at` (Beijing date). */
export function adultBornOnOrBefore(at: Date): string {
  const local = new Date(at.getTime() + BEIJING_OFFSET_MS);
  const y = local.getUTCFullYear() - 18;
  const m = local.getUTCMonth() + 1;
  let d = local.getUTCDate();
  // Born on 29 February: 18 on 1 March of a non-leap year (29 Feb does not exist then).
  if (m === 2 && d === 29) d = 28;
  return `${y}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

export function isAdultOn(birthDate: string, at: Date): boolean {
  return birthDate <= adultBornOnOrBefore(at);
}
