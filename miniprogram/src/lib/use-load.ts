/**
 * Load data for a page: { data, error, loading, reload }. `key` names what is loaded (e.g. the
 * village id): a new key loads again. The last call wins if several overlap.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { ApiError } from '../api/client';

export function useLoad<T>(load: () => Promise<T>, key: string) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | Error | null>(null);
  const [loading, setLoading] = useState(true);
  const seq = useRef(0);

  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for everything `load` reads
  const reload = useCallback(() => {
    const n = ++seq.current;
    setLoading(true);
    setError(null);
    load()
      .then((d) => {
        if (n === seq.current) setData(d);
      })
      .catch((e: unknown) => {
        if (n === seq.current) setError(e as Error);
      })
      .finally(() => {
        if (n === seq.current) setLoading(false);
      });
  }, [key]);

  useEffect(reload, [reload]);
  return { data, error, loading, reload, setData };
}
