import { describe, expect, it } from 'vitest';
import { maskName, maskPhone, normalisePhone } from '../../shared/format';
import { validateRoster } from '../../shared/roster';

const H = ['户号', '姓名', '手机号', '出生日期', '与户主关系', '网格', '住址'];

describe('validateRoster', () => {
  const grids = new Set(['第一网格']);
  it('accepts a clean table and normalises dates and phones', () => {
    const r = validateRoster(
      [H, ['A1', '张三', '+86 138-1234-5678', '1980/1/2', '户主', '第一网格', '']],
      grids,
    );
    expect(r.errors).toEqual([]);
    expect(r.people[0]).toMatchObject({
      phone: '13812345678',
      birthDate: '1980-01-02',
      grid: '第一网格',
      address: null,
    });
  });
  it('skips blank lines and reports line numbers counting the header', () => {
    const r = validateRoster([H, ['', '', '', '', '', '', ''], ['A1', '', '', '', '', '', '']], grids);
    expect(r.errors).toEqual([expect.objectContaining({ row: 3, code: 'required', field: '姓名' })]);
  });
  it.each([
    ['1380000000', 'bad_phone'],
    ['23800000000', 'bad_phone'],
  ])('phone %s → %s', (phone, code) => {
    expect(validateRoster([H, ['A1', '李四', phone, '', '', '', '']], grids).errors[0]?.code).toBe(code);
  });
  it.each(['1980-02-30', '2999-01-01', '1800-01-01', 'yesterday'])('date %s is refused', (d) => {
    expect(validateRoster([H, ['A1', '李四', '', d, '', '', '']], grids).errors[0]?.code).toBe('bad_date');
  });
  it('finds duplicate people and duplicate phones', () => {
    const r = validateRoster(
      [
        H,
        ['A1', '王五', '13800000001', '', '', '', ''],
        ['A1', '王五', '', '', '', '', ''],
        ['A2', '赵六', '13800000001', '', '', '', ''],
      ],
      grids,
    );
    expect(r.errors.map((e) => `${e.row}:${e.code}`)).toEqual(['3:duplicate_person', '4:duplicate_person']);
  });
  it('refuses unknown grids and missing headers', () => {
    expect(validateRoster([H, ['A1', '王五', '', '', '', '第九网格', '']], grids).errors[0]?.code).toBe(
      'unknown_grid',
    );
    expect(validateRoster([['姓名'], ['王五']], grids).errors[0]).toMatchObject({
      code: 'bad_header',
      field: '户号',
    });
  });
});

describe('format', () => {
  it('masks phones and names as DESIGN §5 says', () => {
    expect(maskPhone('13812341234')).toBe('138****1234');
    expect(maskPhone(null)).toBeNull();
    expect(maskName('王小明')).toBe('王**');
    expect(maskName('王')).toBe('王*');
    expect(normalisePhone('+86 138 1234 1234')).toBe('13812341234');
  });
});
