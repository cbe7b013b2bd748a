/// <reference types="@tarojs/taro" />

declare module '*.png';
declare module '*.scss';

declare namespace NodeJS {
  interface ProcessEnv {
    TARO_ENV: 'weapp' | 'h5' | string;
    /** API base URL, injected at build time by config/index.ts. */
    TARO_APP_API_BASE?: string;
  }
}
