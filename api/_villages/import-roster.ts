/**
 * Roster import (户籍花名册) from CSV or XLSX. Outcomes: a report with every row error and nothing
 * written · (dryRun) the report only · the upserted households and residents, all in one
 * transaction with one audit entry. Matching: household by 户号, person by 户号 + 姓名.
 */
import { and, eq } from 'drizzle-orm';
import { parse as parseCsv } from 'csv-parse/sync';
import { validateRoster } from '../../shared/roster';
import type { TRosterImportResult } from '../../shared/schemas/villages';
import type { Deps } from '../_app/context';
import { grids, households, residents } from '../_db/schema';
import { audit } from '../_lib/audit';
import { Err, Ok, type Outcome } from '../_lib/errors';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

async function toTable(bytes: Uint8Array, kind: 'csv' | 'xlsx'): Promise<string[][] | null> {
  try {
    if (kind === 'csv') {
      return parseCsv(Buffer.from(bytes).toString('utf8'), {
        bom: true,
        relax_column_count: true,
        skip_empty_lines: true,
      }) as string[][];
    }
    const { default: readXlsxFile } = await import('read-excel-file/node');
    const rows = await readXlsxFile(Buffer.from(bytes));
    return rows.map((r) =>
      r.map((cell) => {
        if (cell == null) return '';
        if (cell instanceof Date) return cell.toISOString().slice(0, 10);
        return String(cell);
      }),
    );
  } catch {
    return null;
  }
}

export async function importRoster(
  deps: Deps,
  p: {
    villageId: string;
    actorUserId: string;
    bytes: Uint8Array;
    kind: 'csv' | 'xlsx';
    dryRun: boolean;
    requestId: string;
  },
): Promise<Outcome<TRosterImportResult>> {
  const table = await toTable(p.bytes, p.kind);
  if (!table) return Err('VALIDATION_FAILED', '文件读不出来，请用 CSV 或 Excel(.xlsx) 格式');
  const gridRows = await deps.db
    .select({ id: grids.id, name: grids.name })
    .from(grids)
    .where(eq(grids.villageId, p.villageId));
  const gridByName = new Map(gridRows.map((g) => [g.name, g.id]));
  const { people, errors } = validateRoster(table, new Set(gridByName.keys()));
  const report = { rows: Math.max(0, table.length - 1), dryRun: p.dryRun, errors };
  if (errors.length > 0 || p.dryRun)
    return Ok({ ok: errors.length === 0, created: 0, updated: 0, ...report });

  return deps.db.transaction(async (tx) => {
    let created = 0;
    let updated = 0;
    const householdIds = new Map<string, string>();
    for (const person of people) {
      let householdId = householdIds.get(person.householdNo);
      const gridId = person.grid ? (gridByName.get(person.grid) ?? null) : null;
      if (!householdId) {
        const [h] = await tx
          .insert(households)
          .values({ villageId: p.villageId, number: person.householdNo, address: person.address, gridId })
          .onConflictDoUpdate({
            target: [households.villageId, households.number],
            set: {
              ...(person.address ? { address: person.address } : {}),
              ...(gridId ? { gridId } : {}),
            },
          })
          .returning({ id: households.id });
        householdId = h!.id;
        householdIds.set(person.householdNo, householdId);
      }
      const values = {
        phone: person.phone,
        birthDate: person.birthDate,
        relation: person.relation,
        isHouseholdRep: person.relation === '户主',
      };
      const [existing] = await tx
        .select({ id: residents.id })
        .from(residents)
        .where(and(eq(residents.householdId, householdId), eq(residents.name, person.name)));
      if (existing) {
        await tx.update(residents).set(values).where(eq(residents.id, existing.id));
        updated++;
      } else {
        await tx
          .insert(residents)
          .values({ villageId: p.villageId, householdId, name: person.name, ...values });
        created++;
      }
    }
    await audit(tx, {
      actorUserId: p.actorUserId,
      action: 'roster.import',
      targetType: 'village',
      targetId: p.villageId,
      villageId: p.villageId,
      requestId: p.requestId,
      details: { rows: report.rows, created, updated, households: householdIds.size },
    });
    return Ok({ ok: true, created, updated, ...report });
  });
}
