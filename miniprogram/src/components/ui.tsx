/**
 * The few building blocks every page uses. Sizes and colours come from CSS variables in app.scss,
 * so elder mode (the `elder` class on Screen) reaches every page without per-page code.
 */
import { Input, Text, View } from '@tarojs/components';
import { type CSSProperties, type PropsWithChildren, type ReactNode, useEffect, useRef } from 'react';
import type { ApiError } from '../api/client';
import { useElder } from '../lib/elder';
import { cx } from '../lib/format';

/** Keyboard focus for a tappable View (Taro's View typings leave tabIndex out; h5 passes it on). */
export const focusable = (on = true): object => ({ tabIndex: on ? 0 : -1 });

/**
 * h5 keyboard access: the page's scrolling container takes focus (so the keyboard can scroll it),
 * and Enter or Space on a focused role="button"/"switch" element clicks it, as on a real button.
 */
function useKeyboardAccess(ref: { current: unknown }) {
  useEffect(() => {
    if (process.env.TARO_ENV !== 'h5') return;
    const el = ref.current as HTMLElement | null;
    if (!el || typeof el.closest !== 'function') return;
    let p = el.parentElement;
    while (p && !/(auto|scroll)/.test(getComputedStyle(p).overflowY)) p = p.parentElement;
    if (p && !p.hasAttribute('tabindex')) p.setAttribute('tabindex', '0');
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement | null;
      if ((e.key === 'Enter' || e.key === ' ') && t?.matches('[role="button"], [role="switch"]')) {
        e.preventDefault();
        t.click();
      }
    };
    el.addEventListener('keydown', onKey);
    return () => el.removeEventListener('keydown', onKey);
  }, [ref]);
}

export function Screen({ children, className }: PropsWithChildren<{ className?: string }>) {
  const elder = useElder();
  const ref = useRef<unknown>(null);
  useKeyboardAccess(ref);
  // A CSS variable in a style object: Taro's React runtime sets it with setProperty on weapp too.
  const style =
    elder.fontScale !== 1 ? ({ '--font-scale': String(elder.fontScale) } as CSSProperties) : undefined;
  return (
    <View ref={ref as never} className={cx('screen', elder.on && 'elder', className)} style={style}>
      {children}
    </View>
  );
}

export function PageTitle({ children, sub }: PropsWithChildren<{ sub?: ReactNode }>) {
  return (
    <View className="page-title">
      <Text className="page-title-text">{children}</Text>
      {sub ? <Text className="page-title-sub">{sub}</Text> : null}
    </View>
  );
}

export type BtnKind = 'primary' | 'secondary' | 'danger' | 'plain';

export function Btn({
  children,
  kind = 'primary',
  onClick,
  disabled,
  busy,
  small,
  testId,
}: PropsWithChildren<{
  kind?: BtnKind;
  onClick?: () => void;
  disabled?: boolean;
  busy?: boolean;
  small?: boolean;
  testId?: string;
}>) {
  const off = disabled || busy;
  return (
    <View
      className={cx('btn', `btn-${kind}`, small && 'btn-small', off && 'btn-off')}
      hoverClass={off ? undefined : 'btn-hover'}
      onClick={off ? undefined : onClick}
      data-testid={testId}
      role="button"
      {...focusable(!off)}
      aria-disabled={off ? 'true' : undefined}
    >
      <Text className="btn-text">{busy ? '请稍候…' : children}</Text>
    </View>
  );
}

export function Card({
  title,
  children,
  extra,
  className,
  onClick,
}: PropsWithChildren<{ title?: ReactNode; extra?: ReactNode; className?: string; onClick?: () => void }>) {
  return (
    <View
      className={cx('card', onClick && 'card-link', className)}
      onClick={onClick}
      role={onClick ? 'button' : undefined}
      {...(onClick ? focusable() : {})}
      hoverClass={onClick ? 'card-hover' : undefined}
    >
      {title || extra ? (
        <View className="card-head">
          {title ? <Text className="card-title">{title}</Text> : <View />}
          {extra ? <View className="card-extra">{extra}</View> : null}
        </View>
      ) : null}
      {children}
    </View>
  );
}

/** A row that opens something: label on the left, a plain-word cue on the right. */
export function LinkRow({
  label,
  value,
  onClick,
  testId,
}: {
  label: ReactNode;
  value?: ReactNode;
  onClick: () => void;
  testId?: string;
}) {
  return (
    <View
      className="link-row"
      hoverClass="link-row-hover"
      onClick={onClick}
      data-testid={testId}
      role="button"
      {...focusable()}
    >
      <Text className="link-row-label">{label}</Text>
      <Text className="link-row-value">{value ?? '查看'} ›</Text>
    </View>
  );
}

export function Tag({
  children,
  tone = 'neutral',
}: PropsWithChildren<{ tone?: 'neutral' | 'primary' | 'success' | 'warn' | 'danger' }>) {
  return <Text className={cx('tag', `tag-${tone}`)}>{children}</Text>;
}

// weapp styles the placeholder through a class; h5 uses ::placeholder (see app.scss).
const PLACEHOLDER_PROPS = process.env.TARO_ENV === 'weapp' ? { placeholderClass: 'field-placeholder' } : {};

/** The field's name for screen readers: h5 puts it on the real <input> (Taro's nativeProps). */
export const labelProps = (label: string) =>
  process.env.TARO_ENV === 'h5' ? { nativeProps: { 'aria-label': label } } : { ariaLabel: label };

export function Field({
  label,
  name,
  value,
  onChange,
  placeholder,
  error,
  hint,
  optional,
  type = 'text',
  maxlength,
}: {
  label: string;
  name: string;
  value: string;
  onChange: (v: string) => void;
  placeholder?: string;
  error?: string | null;
  hint?: string;
  optional?: boolean;
  type?: 'text' | 'number' | 'idcard' | 'digit';
  maxlength?: number;
}) {
  return (
    <View className="field">
      <Text className="field-label">
        {label}
        {optional ? <Text className="field-optional">（选填）</Text> : null}
      </Text>
      <Input
        className={cx('field-input', error && 'field-input-error')}
        name={name}
        type={type}
        value={value}
        maxlength={maxlength}
        placeholder={placeholder}
        {...PLACEHOLDER_PROPS}
        {...labelProps(label)}
        onInput={(e) => onChange(e.detail.value)}
      />
      {error ? (
        <Text className="field-error" data-testid={`error-${name}`}>
          {error}
        </Text>
      ) : hint ? (
        <Text className="field-hint">{hint}</Text>
      ) : null}
    </View>
  );
}

/** An error from the API in words, with the request id small below for whoever helps the user. */
export function ErrorNote({
  error,
  onRetry,
}: {
  error: ApiError | Error | string | null;
  onRetry?: () => void;
}) {
  if (!error) return null;
  const message = typeof error === 'string' ? error : error.message;
  const requestId = typeof error === 'object' && 'requestId' in error ? error.requestId : null;
  return (
    <View className="note note-error">
      <Text className="note-text">{message}</Text>
      {requestId ? <Text className="note-id">问题编号：{requestId}</Text> : null}
      {onRetry ? (
        <View className="note-action">
          <Btn kind="secondary" small onClick={onRetry}>
            再试一次
          </Btn>
        </View>
      ) : null}
    </View>
  );
}

export function Note({ children, tone = 'info' }: PropsWithChildren<{ tone?: 'info' | 'success' | 'warn' }>) {
  return (
    <View className={cx('note', `note-${tone}`)}>
      <Text className="note-text">{children}</Text>
    </View>
  );
}

export function Loading({ text = '正在加载…' }: { text?: string }) {
  return (
    <View className="loading">
      <Text>{text}</Text>
    </View>
  );
}

export function Empty({ children }: PropsWithChildren) {
  return (
    <View className="empty">
      <Text>{children}</Text>
    </View>
  );
}

/** A capability that is not built yet: says so plainly, shows no made-up data. */
export function ComingSoon({ title, children }: PropsWithChildren<{ title: string }>) {
  return (
    <View className="card soon">
      <View className="card-head">
        <Text className="card-title">{title}</Text>
        <Tag>即将开放</Tag>
      </View>
      {children ? <Text className="soon-text">{children}</Text> : null}
    </View>
  );
}

/** An on/off setting: the label on the left, the state in words on a large switch. */
export function ToggleRow({
  label,
  on,
  onChange,
  disabled,
  testId,
  hint,
  small,
}: {
  label: ReactNode;
  on: boolean;
  onChange: (on: boolean) => void;
  disabled?: boolean;
  testId?: string;
  hint?: ReactNode;
  /** A sub-setting under a heading: label in body size. */
  small?: boolean;
}) {
  return (
    <View className="toggle-block">
      <View
        className={cx('toggle', small && 'toggle-small', disabled && 'btn-off')}
        onClick={disabled ? undefined : () => onChange(!on)}
        data-testid={testId}
        aria-checked={on ? 'true' : 'false'}
        role="switch"
        {...focusable(!disabled)}
      >
        <Text className="toggle-label">{label}</Text>
        <View className={cx('toggle-switch', on && 'toggle-switch-on')}>
          <Text>{on ? '已打开' : '已关闭'}</Text>
        </View>
      </View>
      {hint ? <Text className="muted">{hint}</Text> : null}
    </View>
  );
}
