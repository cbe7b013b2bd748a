/**
 * 朗读 — the one-line read-aloud for any page: `<ReadAloud text={body} title={title} />`.
 *
 * It shows the text (with the sentence being read highlighted) under one large 朗读 button
 * (暂停 / 继续 / 再听一遍, and 停止). The text is cut with the shared rule (shared/speech: ≤ 100
 * characters at sentence ends); `title` is read first but not shown (the page shows its own).
 * For money, pass the spoken form (e.g. summarizeLedgerForSpeech) as `speak` and the table stays
 * on the page: `<ReadAloud speak={summary} showText={false} />`.
 *
 * - weapp: the native component components/native/read-aloud (WechatSI plugin → server speech;
 *   its camelCase properties are written hyphenated, as in WXML),
 *   registered app-wide in app.config.ts, so pages need no usingComponents of their own.
 * - h5: ReadAloudWeb — the browser's speechSynthesis, then the server's speech when the browser
 *   has no Chinese voice or fails.
 */
import { splitForSpeech } from '@shared/speech/chunk';
import { useMemo } from 'react';
import { useElder } from '../lib/elder';
import { tokenStore } from '../lib/storage';
import { ReadAloudWeb } from './read-aloud-web';

/** The native tag (weapp only; registered app-wide in app.config.ts). */
type ReadAloudNativeAttrs = {
  chunks: string[];
  lead?: string[];
  'api-base': string;
  token: string;
  elder?: boolean;
  'show-text'?: boolean;
  onStatechange?: (e: { detail: { state: string; current: number } }) => void;
  onFallback?: (e: { detail: { index: number; reason: string } }) => void;
  onEnd?: () => void;
  onError?: (e: { detail: { message: string } }) => void;
};

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'read-aloud': ReadAloudNativeAttrs;
    }
  }
}

export type ReadAloudProps = {
  /** The text to show and read. */
  text?: string;
  /** Read before the text, not shown (the page's title). */
  title?: string;
  /** Read instead of `text` when what is heard differs from what is shown (a ledger's summary). */
  speak?: string;
  /** Show the text under the button (default true). */
  showText?: boolean;
};

export const API_BASE = process.env.TARO_APP_API_BASE ?? '/api';

export function ReadAloud({ text = '', title, speak, showText = true }: ReadAloudProps) {
  const elder = useElder();
  const chunks = useMemo(() => splitForSpeech(speak ?? text), [speak, text]);
  const lead = useMemo(
    () => (title ? splitForSpeech(/[。！？.!?]$/.test(title) ? title : `${title}。`) : []),
    [title],
  );
  const shown = showText && speak === undefined;
  if (process.env.TARO_ENV === 'weapp') {
    return (
      <read-aloud
        chunks={chunks}
        lead={lead}
        api-base={API_BASE}
        token={tokenStore.get() ?? ''}
        elder={elder.on}
        show-text={shown}
      />
    );
  }
  return <ReadAloudWeb chunks={chunks} lead={lead} showText={shown} />;
}
