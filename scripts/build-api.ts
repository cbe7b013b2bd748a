/**
 * Bundles the API with esbuild:
 *  - api-dist/server.mjs  the plain Node server (self-hosting; PGlite stays an external import)
 *  - api-dist/vercel.mjs  the Vercel function's code (api/index.ts) — PGlite must not be in it
 *  - api-dist/cold.mjs    serves vercel.mjs's default export with @hono/node-server (cold-start bench)
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { type Plugin, build } from 'esbuild';

/**
 * zod's `z` namespace re-exports every locale (~200 KB minified) and nothing tree-shakes a
 * namespace; the API uses only zh-CN (and zod's default en), so its locale index is narrowed here.
 */
const zodLocales: Plugin = {
  name: 'zod-locales',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]zod[\\/]v4[\\/](classic|core|mini)[\\/]/.test(args.importer)
        ? { path: path.join(path.dirname(args.importer), '../locales/index.js'), namespace: 'zod-locales' }
        : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-locales' }, (args) => ({
      contents: "export { default as en } from './en.js';\nexport { default as zhCN } from './zh-CN.js';\n",
      resolveDir: path.dirname(args.path),
    }));
  },
};

const banner = {
  js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
};
const common = {
  bundle: true,
  platform: 'node' as const,
  format: 'esm' as const,
  target: 'node20',
  banner,
  sourcemap: true,
  legalComments: 'none' as const,
  logLevel: 'warning' as const,
  plugins: [zodLocales],
  // pg-native is an optional peer of pg; PGlite is never bundled (large wasm, embedded use only).
  minify: true,
  // Loaded only when used (dynamic import): PGlite and its drizzle driver (embedded default, never
  // on Vercel), the XLSX reader (roster import). pg-native is an optional peer of pg.
  external: [
    'pg-native',
    '@electric-sql/pglite',
    '@electric-sql/pglite/*',
    'drizzle-orm/pglite',
    'drizzle-orm/pglite/*',
    'read-excel-file/node',
  ],
};

mkdirSync('api-dist', { recursive: true });
await build({ ...common, entryPoints: ['api/_app/server.ts'], outfile: 'api-dist/server.mjs' });
const vercel = await build({
  ...common,
  entryPoints: ['api/index.ts'],
  outfile: 'api-dist/vercel.mjs',
  metafile: true,
});
const bundled = Object.keys(vercel.metafile.inputs);
if (bundled.some((f) => f.includes('@electric-sql/pglite')))
  throw new Error('PGlite leaked into the Vercel bundle');
writeFileSync(
  'api-dist/cold.mjs',
  `import { serve } from '@hono/node-server';\nimport app from './vercel.mjs';\nserve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000), hostname: '127.0.0.1' }, (info) => console.log(JSON.stringify({ msg: 'listening', port: info.port })));\n`,
);
const size = readFileSync('api-dist/vercel.mjs').length;
console.log(JSON.stringify({ msg: 'api built', vercelBundleBytes: size, inputs: bundled.length }));
