import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * Component tests of the mini-program (miniprogram/src) under jsdom, following TOOLCHAIN.md:
 * @tarojs/components → the React (h5) implementation, Taro's adapter flag defined, @tarojs/*
 * inlined, and @tarojs/taro mocked in each test (tests/miniprogram/taro-mock.ts).
 */
const root = fileURLToPath(new URL('../..', import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      {
        find: /^@tarojs\/components$/,
        replacement: `${root}node_modules/@tarojs/components-react/dist/index.js`,
      },
      { find: /^@shared\/(.*)$/, replacement: `${root}shared/$1` },
    ],
  },
  define: {
    DEPRECATED_ADAPTER_COMPONENT: 'false',
    // Build flags @tarojs/runtime expects (Taro's own build defines them).
    ENABLE_INNER_HTML: 'true',
    ENABLE_ADJACENT_HTML: 'true',
    ENABLE_SIZE_APIS: 'false',
    ENABLE_TEMPLATE_CONTENT: 'true',
    ENABLE_CLONE_NODE: 'true',
    ENABLE_CONTAINS: 'true',
    ENABLE_MUTATION_OBSERVER: 'false',
    'process.env.TARO_ENV': '"h5"',
  },
  test: {
    name: 'miniprogram',
    root,
    include: ['tests/miniprogram/**/*.test.{ts,tsx}'],
    environment: 'jsdom',
    env: { TARO_ENV: 'h5' },
    server: { deps: { inline: [/@tarojs\//] } },
  },
});
