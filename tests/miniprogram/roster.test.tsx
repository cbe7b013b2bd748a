import { cleanup, fireEvent, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));

import {
  RosterReport,
  contentTypeOf,
  rowErrorText,
} from '../../miniprogram/src/subpackages/manage/roster/index';
import { actionLabel, targetLabel } from '../../miniprogram/src/subpackages/manage/audit/index';

afterEach(() => cleanup());

describe('roster import report', () => {
  it('accepts CSV and xlsx files only', () => {
    expect(contentTypeOf('花名册.CSV')).toBe('text/csv');
    expect(contentTypeOf('a.xlsx')).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    expect(contentTypeOf('a.xls')).toBeNull();
  });

  it('a clean check offers one action: import N rows', () => {
    const onImport = vi.fn();
    render(
      <RosterReport
        report={{ ok: true, dryRun: true, rows: 12, created: 0, updated: 0, errors: [] }}
        importing={false}
        onImport={onImport}
      />,
    );
    fireEvent.click(screen.getByText('确认导入 12 行'));
    expect(onImport).toHaveBeenCalledOnce();
  });

  it('lists every row error in words and offers no import', () => {
    render(
      <RosterReport
        report={{
          ok: false,
          dryRun: true,
          rows: 3,
          created: 0,
          updated: 0,
          errors: [
            { row: 3, field: 'phone', code: 'bad_phone', message: '手机号不对' },
            { row: 4, field: 'name', code: 'required', message: '第4行没有填姓名' },
          ],
        }}
        importing={false}
        onImport={vi.fn()}
      />,
    );
    expect(screen.getByText('有 2 处要改')).toBeTruthy();
    expect(screen.getByText('第3行 · 手机号：手机号不对')).toBeTruthy();
    expect(screen.getByText('第4行没有填姓名')).toBeTruthy();
    expect(screen.queryByTestId('roster-import')).toBeNull();
  });

  it('does not repeat the row when the message already names it', () => {
    expect(rowErrorText({ row: 2, field: 'grid', code: 'unknown_grid', message: '第2行的网格不存在' })).toBe(
      '第2行的网格不存在',
    );
  });
});

describe('audit log words', () => {
  it('turns recorded actions and targets into plain words, keeping unknown ones as recorded', () => {
    expect(actionLabel('village.join.approved')).toBe('同意入村');
    expect(actionLabel('member.role.assign')).toBe('设置身份');
    expect(actionLabel('something.new')).toBe('something.new');
    expect(targetLabel('join_request')).toBe('入村申请');
  });
});
