import { Text, View } from '@tarojs/components';
import Taro from '@tarojs/taro';
import { useState } from 'react';
import { api } from '../../../api';
import { type ApiError, isApiError } from '../../../api/client';
import type { TRosterImportResult, TRosterRowError } from '../../../api/types';
import { Btn, Card, ErrorNote, Note, PageTitle } from '../../../components/ui';
import { formatBytes } from '../../../lib/format';
import { ManagePage, type ManagedVillage } from '../common';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const MAX_BYTES = 5 * 1024 * 1024;

/**
 * Column headers of the roster, as in ROSTER_COLUMNS of shared/schemas/villages.ts. Copied, not
 * imported: importing that module would pull zod into the bundle (a test keeps the two equal).
 */
export const ROSTER_COLUMNS = {
  householdNo: '户号',
  name: '姓名',
  phone: '手机号',
  birthDate: '出生日期',
  relation: '与户主关系',
  grid: '网格',
  address: '住址',
} as const;

type Picked = { name: string; size: number; bytes: ArrayBuffer; contentType: string };

export function contentTypeOf(fileName: string): string | null {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.csv')) return 'text/csv';
  if (lower.endsWith('.xlsx')) return XLSX;
  return null;
}

/** The row report inside a 422 ROSTER_INVALID, whichever way the server packs it. */
function reportFromError(e: unknown): TRosterImportResult | null {
  if (!isApiError(e) || e.code !== 'ROSTER_INVALID') return null;
  const d = e.details as Partial<TRosterImportResult> | TRosterRowError[] | undefined;
  const errors = Array.isArray(d) ? d : Array.isArray(d?.errors) ? d.errors : null;
  if (!errors) return null;
  const rows = !Array.isArray(d) && typeof d?.rows === 'number' ? d.rows : 0;
  return { ok: false, dryRun: true, rows, created: 0, updated: 0, errors };
}

function readWeappFile(path: string): Promise<ArrayBuffer> {
  return new Promise((resolve, reject) => {
    Taro.getFileSystemManager().readFile({
      filePath: path,
      success: (r) => resolve(r.data as ArrayBuffer),
      fail: reject,
    });
  });
}

export default function RosterPage() {
  return <ManagePage roles={['cadre']}>{(v) => <RosterImport village={v} />}</ManagePage>;
}

function RosterImport({ village }: { village: ManagedVillage }) {
  const [file, setFile] = useState<Picked | null>(null);
  const [pickError, setPickError] = useState<string | null>(null);
  const [checking, setChecking] = useState(false);
  const [report, setReport] = useState<TRosterImportResult | null>(null);
  const [importing, setImporting] = useState(false);
  const [done, setDone] = useState<TRosterImportResult | null>(null);
  const [error, setError] = useState<ApiError | Error | null>(null);

  const accept = async (picked: Picked) => {
    setFile(picked);
    setReport(null);
    setDone(null);
    setError(null);
    setChecking(true);
    try {
      setReport(await api.villages.importRoster(village.villageId, picked.bytes, picked.contentType, true));
    } catch (e) {
      const r = reportFromError(e);
      if (r) setReport(r);
      else setError(e as Error);
    } finally {
      setChecking(false);
    }
  };

  const take = async (name: string, size: number, read: () => Promise<ArrayBuffer>) => {
    setPickError(null);
    const contentType = contentTypeOf(name);
    if (!contentType) {
      setPickError('只能选 CSV 或 Excel（.xlsx）文件');
      return;
    }
    if (size > MAX_BYTES) {
      setPickError('文件太大了，不能超过 5 MB');
      return;
    }
    await accept({ name, size, bytes: await read(), contentType });
  };

  const chooseWeapp = async () => {
    try {
      const r = await Taro.chooseMessageFile({ count: 1, type: 'file', extension: ['csv', 'xlsx'] });
      const f = r.tempFiles[0];
      if (f) await take(f.name, f.size, () => readWeappFile(f.path));
    } catch {
      // closed the chooser
    }
  };

  const doImport = async () => {
    if (!file) return;
    setImporting(true);
    setError(null);
    try {
      setDone(await api.villages.importRoster(village.villageId, file.bytes, file.contentType, false));
    } catch (e) {
      const r = reportFromError(e);
      if (r) setReport(r);
      else setError(e as Error);
    } finally {
      setImporting(false);
    }
  };

  return (
    <View>
      <PageTitle sub={village.villageName}>导入花名册</PageTitle>
      <Card title="怎么准备文件">
        <Text className="muted">
          用表格做好花名册，第一行写表头：{Object.values(ROSTER_COLUMNS).join('、')}。一行一个人。保存成 CSV
          或 Excel（.xlsx）文件。
        </Text>
      </Card>

      <Card title="选择文件">
        {process.env.TARO_ENV === 'h5' ? (
          // A label styled as the main button opens the browser's file chooser (its own button is tiny and in English).
          <label className="btn btn-primary file-pick">
            <input
              className="file-input"
              type="file"
              accept=".csv,.xlsx,text/csv"
              data-testid="roster-file"
              onChange={(e) => {
                const f = e.currentTarget.files?.[0];
                if (f) void take(f.name, f.size, () => f.arrayBuffer());
                e.currentTarget.value = '';
              }}
            />
            <Text className="btn-text">{file ? '换一个文件' : '选择文件'}</Text>
          </label>
        ) : (
          <Btn onClick={() => void chooseWeapp()}>从微信聊天里选文件</Btn>
        )}
        {pickError ? <ErrorNote error={pickError} /> : null}
        {file ? (
          <Text className="muted file-name">
            已选：{file.name}（{formatBytes(file.size)}）
          </Text>
        ) : null}
      </Card>

      {checking ? <Note>正在检查文件…</Note> : null}
      <ErrorNote error={error} />

      {done ? (
        <Note tone="success">
          导入完成：共 {done.rows} 行，新增 {done.created} 人，更新 {done.updated} 人。
        </Note>
      ) : report ? (
        <RosterReport report={report} importing={importing} onImport={() => void doImport()} />
      ) : null}
    </View>
  );
}

export function RosterReport({
  report,
  importing,
  onImport,
}: {
  report: TRosterImportResult;
  importing: boolean;
  onImport: () => void;
}) {
  if (report.ok && report.errors.length === 0) {
    return (
      <Card title="检查通过">
        <Text className="muted">共 {report.rows} 行，没有发现错误。</Text>
        <View className="actions">
          <Btn onClick={onImport} busy={importing} testId="roster-import">
            确认导入 {report.rows} 行
          </Btn>
        </View>
      </Card>
    );
  }
  return (
    <Card title={`有 ${report.errors.length} 处要改`}>
      <Text className="muted">请在表格里改好，再重新选择文件。这次没有导入任何内容。</Text>
      <View className="note note-error" data-testid="roster-errors">
        {report.errors.map((e) => (
          <View key={`${e.row}-${e.field}-${e.code}`} className="report-row">
            <Text className="note-text">{rowErrorText(e)}</Text>
          </View>
        ))}
      </View>
    </Card>
  );
}

/** "第3行 · 手机号：…", unless the server's message already names the row. */
export function rowErrorText(e: TRosterRowError): string {
  if (e.message.includes(`第${e.row}行`)) return e.message;
  return `第${e.row}行${e.field ? ` · ${columnLabel(e.field)}` : ''}：${e.message}`;
}

function columnLabel(field: string): string {
  return (ROSTER_COLUMNS as Record<string, string | undefined>)[field] ?? field;
}
