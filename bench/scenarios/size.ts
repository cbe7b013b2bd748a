/**
 * `size`: bytes of the weapp production build — the main package (everything not under a
 * subpackage root listed in app.json) and each subpackage. Every file counts, as WeChat counts
 * what is uploaded; source maps, if any, are also reported apart.
 * Budget (issue 2): main ≤ 600 KB; WeChat's own limits are 2 MB per package, 30 MB in all.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { runCommand } from '../lib/processes';
import { NO_LOAD } from '../lib/results';
import { type Scenario, kb } from '../lib/scenario';

export const WEAPP_DIR = 'miniprogram/dist/weapp';

function walk(dir: string, base = dir): { file: string; bytes: number }[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return walk(full, base);
    return e.isFile()
      ? [{ file: path.relative(base, full).split(path.sep).join('/'), bytes: statSync(full).size }]
      : [];
  });
}

type AppJson = { subPackages?: { root: string }[]; subpackages?: { root: string }[] };

/** Sizes of a weapp output folder: main package, each subpackage, largest main files. */
export function measureWeapp(dir: string) {
  const app = JSON.parse(readFileSync(path.join(dir, 'app.json'), 'utf8')) as AppJson;
  const roots = [...(app.subPackages ?? []), ...(app.subpackages ?? [])].map((p) =>
    p.root.replace(/^\/+|\/+$/g, ''),
  );
  const subpackages: Record<string, number> = Object.fromEntries(roots.map((r) => [r, 0]));
  let main = 0;
  let maps = 0;
  const mainFiles: { file: string; bytes: number }[] = [];
  const files = walk(dir);
  for (const f of files) {
    if (f.file.endsWith('.map')) maps += f.bytes;
    const root = roots.find((r) => f.file.startsWith(`${r}/`));
    if (root) subpackages[root]! += f.bytes;
    else {
      main += f.bytes;
      mainFiles.push(f);
    }
  }
  mainFiles.sort((a, b) => b.bytes - a.bytes);
  const subSizes = Object.values(subpackages);
  return {
    main_bytes: main,
    subpackages,
    subpackage_max_bytes: subSizes.length ? Math.max(...subSizes) : 0,
    total_bytes: main + subSizes.reduce((a, b) => a + b, 0),
    map_bytes: maps,
    files: files.length,
    main_largest: mainFiles.slice(0, 10),
  };
}

export const size: Scenario = {
  name: 'size',
  description: 'weapp production build: main package and subpackages, in bytes',
  budgets: [
    { metric: 'main_bytes', op: '<=', limit: 600 * 1024, unit: 'B' },
    { metric: 'subpackage_max_bytes', op: '<=', limit: 2 * 1024 * 1024, unit: 'B' },
    { metric: 'total_bytes', op: '<=', limit: 30 * 1024 * 1024, unit: 'B' },
  ],
  async run(args) {
    const built = existsSync(path.join(WEAPP_DIR, 'app.json'));
    // Rebuild only when asked (--build) or when there is nothing to measure: the build is slow.
    if ((!built && args.build !== false) || args.build === true) {
      console.error('[bench] npm run build:weapp');
      await runCommand('npm', ['run', '--silent', 'build:weapp']);
    }
    if (!existsSync(path.join(WEAPP_DIR, 'app.json'))) {
      throw new Error(`${WEAPP_DIR}/app.json is missing after \`npm run build:weapp\``);
    }
    const builtAt = statSync(path.join(WEAPP_DIR, 'app.json')).mtime.toISOString();
    return { ...NO_LOAD, dir: WEAPP_DIR, built_at: builtAt, ...measureWeapp(WEAPP_DIR) };
  },
  summary: (r) => {
    const subs = Object.entries((r.subpackages ?? {}) as Record<string, number>)
      .map(([root, b]) => `${root} ${kb(b)}`)
      .join(', ');
    return `main ${kb(r.main_bytes)}${subs ? `; subpackages: ${subs}` : ''}; total ${kb(r.total_bytes)}`;
  },
};
