/**
 * Household roster (户籍花名册) rules, pure: header check and per-row validation. The API writes
 * nothing unless this returns no errors; the management page shows the same report.
 */
import { PHONE_RE, normalisePhone } from './format';
import { ROSTER_COLUMNS } from './schemas/villages';

export type RosterErrorCode =
  | 'required'
  | 'bad_phone'
  | 'bad_date'
  | 'unknown_grid'
  | 'duplicate_person'
  | 'bad_header';
export type RosterError = { row: number; field: string; code: RosterErrorCode; message: string };
export type RosterPerson = {
  /** 1-based line in the file, header = 1. */
  row: number;
  householdNo: string;
  name: string;
  phone: string | null;
  birthDate: string | null;
  relation: string | null;
  grid: string | null;
  address: string | null;
};

type Field = keyof typeof ROSTER_COLUMNS;
const REQUIRED: Field[] = ['householdNo', 'name'];
export const MAX_ROSTER_ROWS = 5000;

function normaliseDate(raw: string): string | null {
  const m = raw.match(/^(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?$/);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  if (y < 1900 || date.getTime() > Date.now()) return null;
  return `${y}-${String(mo).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** `table[0]` is the header row; cells are strings. Grid names must already exist in the village. */
export function validateRoster(
  table: string[][],
  knownGrids: ReadonlySet<string>,
): { people: RosterPerson[]; errors: RosterError[] } {
  const errors: RosterError[] = [];
  const header = (table[0] ?? []).map((h) => h.trim().replace(/^\uFEFF/, ''));
  const index = {} as Record<Field, number>;
  for (const [field, label] of Object.entries(ROSTER_COLUMNS) as [Field, string][]) {
    index[field] = header.indexOf(label);
  }
  for (const field of REQUIRED) {
    if (index[field] < 0) {
      errors.push({
        row: 1,
        field: ROSTER_COLUMNS[field],
        code: 'bad_header',
        message: `表头缺少"${ROSTER_COLUMNS[field]}"列`,
      });
    }
  }
  if (errors.length) return { people: [], errors };
  if (table.length - 1 > MAX_ROSTER_ROWS) {
    return {
      people: [],
      errors: [{ row: 1, field: '', code: 'bad_header', message: `一次最多导入${MAX_ROSTER_ROWS}人` }],
    };
  }

  const people: RosterPerson[] = [];
  const seenPerson = new Map<string, number>();
  const seenPhone = new Map<string, number>();
  table.slice(1).forEach((cells, i) => {
    const row = i + 2;
    const cell = (f: Field) => (index[f] >= 0 ? (cells[index[f]] ?? '').trim() : '');
    if (cells.every((c) => !c?.trim())) return;
    const p: RosterPerson = {
      row,
      householdNo: cell('householdNo'),
      name: cell('name'),
      phone: cell('phone') ? normalisePhone(cell('phone')) : null,
      birthDate: null,
      relation: cell('relation') || null,
      grid: cell('grid') || null,
      address: cell('address') || null,
    };
    const rowErrors: RosterError[] = [];
    for (const f of REQUIRED) {
      if (!cell(f))
        rowErrors.push({
          row,
          field: ROSTER_COLUMNS[f],
          code: 'required',
          message: `第${row}行没有填${ROSTER_COLUMNS[f]}`,
        });
    }
    if (p.phone && !PHONE_RE.test(p.phone)) {
      rowErrors.push({
        row,
        field: ROSTER_COLUMNS.phone,
        code: 'bad_phone',
        message: `第${row}行手机号不对：${cell('phone')}`,
      });
    }
    if (cell('birthDate')) {
      p.birthDate = normaliseDate(cell('birthDate'));
      if (!p.birthDate) {
        rowErrors.push({
          row,
          field: ROSTER_COLUMNS.birthDate,
          code: 'bad_date',
          message: `第${row}行出生日期不对：${cell('birthDate')}`,
        });
      }
    }
    if (p.grid && !knownGrids.has(p.grid)) {
      rowErrors.push({
        row,
        field: ROSTER_COLUMNS.grid,
        code: 'unknown_grid',
        message: `第${row}行的网格"${p.grid}"不存在，请先建好网格`,
      });
    }
    if (p.householdNo && p.name) {
      const key = `${p.householdNo}\u0000${p.name}`;
      const first = seenPerson.get(key);
      if (first) {
        rowErrors.push({
          row,
          field: ROSTER_COLUMNS.name,
          code: 'duplicate_person',
          message: `第${row}行和第${first}行是同一个人`,
        });
      } else seenPerson.set(key, row);
    }
    if (p.phone && PHONE_RE.test(p.phone)) {
      const first = seenPhone.get(p.phone);
      if (first) {
        rowErrors.push({
          row,
          field: ROSTER_COLUMNS.phone,
          code: 'duplicate_person',
          message: `第${row}行和第${first}行手机号重复`,
        });
      } else seenPhone.set(p.phone, row);
    }
    errors.push(...rowErrors);
    if (rowErrors.length === 0) people.push(p);
  });
  return { people, errors };
}
