/**
 * The printable page of one published version for the physical 公示栏: A4, large type, with its
 * version, its place in the village's chain (seq, own hash, previous hash) and the co-signer, so
 * a villager can check the paper against the board. Server-rendered HTML; user text is escaped.
 */
import { DISCLOSURE_KIND_LABELS } from '../../shared/disclosures/kinds';
import { yuan } from '../../shared/disclosures/ledger';
import type { TDisclosureDetail } from '../../shared/disclosures/schemas';

const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const beijing = (iso: string) =>
  new Date(iso).toLocaleString('zh-CN', {
    timeZone: 'Asia/Shanghai',
    hour12: false,
    dateStyle: 'long',
    timeStyle: 'short',
  });

export function renderPrint(villageName: string, d: TDisclosureDetail, versionNo: number): string | null {
  const v = d.versions.find((x) => x.versionNo === versionNo);
  if (!v) return null;
  const superseded = versionNo !== d.current;
  const ledger = v.ledger
    ? `<table><thead><tr><th>日期</th><th>科目</th><th>摘要</th><th class="n">收入（元）</th><th class="n">支出（元）</th><th>对方</th></tr></thead><tbody>
<tr><td colspan="3">期初余额</td><td class="n" colspan="2">${yuan(v.ledger.openingFen)}</td><td></td></tr>
${v.ledger.entries
  .map(
    (e) =>
      `<tr><td>${esc(e.date)}</td><td>${esc(e.category)}</td><td>${esc(e.item)}</td><td class="n">${e.incomeFen ? yuan(e.incomeFen) : ''}</td><td class="n">${e.expenseFen ? yuan(e.expenseFen) : ''}</td><td>${esc(e.counterpart)}</td></tr>`,
  )
  .join('\n')}
<tr class="total"><td colspan="3">本期合计</td><td class="n">${yuan(v.totals!.incomeFen)}</td><td class="n">${yuan(v.totals!.expenseFen)}</td><td></td></tr>
<tr class="total"><td colspan="3">期末余额</td><td class="n" colspan="2">${yuan(v.totals!.closingFen)}</td><td></td></tr>
</tbody></table>`
    : '';
  const sections = (v.sections ?? [])
    .map((s) => `<h2>${esc(s.heading)}</h2><p>${esc(s.text)}</p>`)
    .join('\n');
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>${esc(v.title)}</title>
<style>
@page { size: A4; margin: 18mm 16mm; }
body { font-family: "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif; font-size: 16pt; line-height: 1.6; color: #000; margin: 0 auto; max-width: 178mm; }
h1 { font-size: 26pt; text-align: center; margin: 0 0 4mm; }
.sub { text-align: center; font-size: 15pt; margin-bottom: 6mm; }
h2 { font-size: 18pt; margin: 6mm 0 2mm; }
table { width: 100%; border-collapse: collapse; font-size: 13pt; }
th, td { border: 1px solid #000; padding: 1.5mm 2mm; vertical-align: top; }
td.n, th.n { text-align: right; white-space: nowrap; }
tr.total td { font-weight: bold; }
.warn { border: 2px solid #000; padding: 3mm; font-weight: bold; margin: 4mm 0; }
.reason { margin: 3mm 0; }
footer { margin-top: 8mm; font-size: 12pt; border-top: 1px solid #000; padding-top: 3mm; word-break: break-all; }
</style></head>
<body>
<h1>${esc(v.title)}</h1>
<div class="sub">${esc(villageName)} · ${esc(DISCLOSURE_KIND_LABELS[d.kind])} · ${esc(d.periodLabel)} · 第${v.versionNo}版</div>
${superseded ? `<div class="warn">本版已被第${d.current}版更正，请以最新版本为准。</div>` : ''}
${v.reason ? `<div class="reason">更正原因：${esc(v.reason)}</div>` : ''}
${v.body ? `<p>${esc(v.body).replace(/\n/g, '<br>')}</p>` : ''}
${ledger}
${sections}
<footer>
公开时间：${esc(beijing(v.publishedAt))}　监委会审核签字：${esc(v.cosignedBy)}<br>
公开链第 ${v.seq} 号　本条指纹：${v.hash}<br>
上一条指纹：${v.prevHash}<br>
可在“村民参与”小程序“公开”里核对，或运行 npm run verify:disclosures 校验。
</footer>
</body></html>`;
}
