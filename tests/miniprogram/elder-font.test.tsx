/**
 * Elder mode follows the system's type size: WeChat's font setting in weapp, the browser's default
 * font size on h5 (lib/elder.tsx readSystemFont). ≥ 1.15× turns elder mode on by itself.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';

vi.mock('@tarojs/taro', () => import('./taro-mock'));

import { readSystemFont } from '../../miniprogram/src/lib/elder';

afterEach(() => vi.restoreAllMocks());

const real = window.getComputedStyle.bind(window);

/** The browser reports `font-size: medium` as this many px (its font-size setting). */
function browserDefault(px: number) {
  vi.spyOn(window, 'getComputedStyle').mockImplementation((el: Element) => {
    const style = real(el);
    if ((el as HTMLElement).style?.fontSize === 'medium') {
      return { ...style, fontSize: `${px}px` } as CSSStyleDeclaration;
    }
    return style;
  });
}

describe('readSystemFont on h5', () => {
  it('is 1× at the usual 16 px', () => {
    browserDefault(16);
    expect(readSystemFont()).toEqual({ scale: 1, large: false });
  });

  it('follows a larger browser font: 23 px → 1.44×, elder mode on', () => {
    browserDefault(23);
    expect(readSystemFont()).toEqual({ scale: 23 / 16, large: true });
  });

  it('a slightly larger font scales type without switching elder mode on; beyond 1.6× is capped', () => {
    browserDefault(17);
    expect(readSystemFont()).toEqual({ scale: 17 / 16, large: false });
    browserDefault(40);
    expect(readSystemFont()).toEqual({ scale: 1.6, large: true });
  });

  it('never scales below 1 and leaves no probe element behind', () => {
    browserDefault(12);
    expect(readSystemFont().scale).toBe(1);
    expect(document.body.children).toHaveLength(0);
  });
});
