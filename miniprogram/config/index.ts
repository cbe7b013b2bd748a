import path from 'node:path';
import { defineConfig, type UserConfigExport } from '@tarojs/cli';

/**
 * Hand-written Taro config (`taro init` needs the internet; see /work/shared/TOOLCHAIN.md).
 * Output: dist/weapp and dist/h5. The API base URL comes from TARO_APP_API_BASE:
 * h5 defaults to the same origin (`/api`); weapp needs an absolute https URL in production.
 */
export default defineConfig<'webpack5'>(async (merge) => {
  const env = process.env.TARO_ENV ?? 'weapp';
  const apiBase = process.env.TARO_APP_API_BASE ?? (env === 'h5' ? '/api' : 'http://127.0.0.1:3000/api');

  // shared/ (zod schemas, roles, format helpers) lives outside src/, so Taro must be told to compile it.
  const sharedDir = path.resolve(__dirname, '..', '..', 'shared');
  // uqr (the booking code's QR matrix) ships modern syntax (optional chaining); weapp is built
  // without WeChat's ES6→ES5 pass (project.config.json es6: false), so Taro's babel compiles it.
  const uqrDir = path.resolve(__dirname, '..', '..', 'node_modules', 'uqr');

  const baseConfig: UserConfigExport<'webpack5'> = {
    projectName: 'cunmin-canyu',
    date: '2025-1-1',
    designWidth: 750,
    deviceRatio: { 640: 2.34 / 2, 750: 1, 375: 2, 828: 1.81 / 2 },
    sourceRoot: 'src',
    outputRoot: `dist/${env}`,
    plugins: [],
    defineConstants: {},
    env: {
      TARO_APP_API_BASE: JSON.stringify(apiBase),
    },
    alias: {
      '@shared': sharedDir,
    },
    copy: { patterns: [], options: {} },
    framework: 'react',
    compiler: 'webpack5',
    cache: { enable: false },
    mini: {
      compile: { include: [sharedDir, uqrDir] },
      // Keep the main package small: vendors split per subpackage where Taro can.
      optimizeMainPackage: { enable: true },
      postcss: {
        pxtransform: { enable: true, config: {} },
        cssModules: {
          enable: false,
          config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' },
        },
      },
    },
    h5: {
      compile: { include: [sharedDir] },
      publicPath: '/',
      staticDirectory: 'static',
      router: { mode: 'hash' },
      // `npm run dev:h5`: dev server on :10086 proxying /api to the API (TARO_APP_API_PROXY), and
      // the files also written to dist/h5 so the Node server at / serves the latest build.
      devServer: {
        host: '127.0.0.1',
        port: 10086,
        open: false,
        // Fast refresh needs @pmmmwh/react-refresh-webpack-plugin, which is not installed; the page
        // reloads on change instead.
        hot: false,
        devMiddleware: { writeToDisk: true },
        proxy: {
          '/api': { target: process.env.TARO_APP_API_PROXY ?? 'http://127.0.0.1:3000', changeOrigin: true },
        },
      },
      output: {
        filename: 'js/[name].[contenthash:8].js',
        chunkFilename: 'js/[name].[contenthash:8].js',
      },
      miniCssExtractPluginOption: {
        ignoreOrder: true,
        filename: 'css/[name].[contenthash:8].css',
        chunkFilename: 'css/[name].[contenthash:8].css',
      },
      postcss: {
        // #app and the tab bar are sized in real CSS px (a phone-wide column on a desktop screen).
        pxtransform: {
          enable: true,
          config: { selectorBlackList: ['#app', '.taro-tabbar', '.weui-tabbar'] },
        },
        autoprefixer: { enable: true, config: {} },
        cssModules: {
          enable: false,
          config: { namingPattern: 'module', generateScopedName: '[name]__[local]___[hash:base64:5]' },
        },
      },
    },
  };

  if (process.env.NODE_ENV === 'development') {
    return merge({}, baseConfig, { logger: { quiet: false, stats: true } });
  }
  return merge({}, baseConfig, {});
});
