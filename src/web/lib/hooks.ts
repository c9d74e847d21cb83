import { useEffect, useState } from 'preact/hooks';
import { get } from './api.js';

/** GETs `path` now and every `everyMs`, plus whenever `bump` changes (e.g. on live events). */
export function usePoll<T>(path: string | null, everyMs: number, bump = 0): { data: T | undefined; error: string | undefined } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!path) return;
    let alive = true;
    const load = () =>
      get<T>(path).then(
        (d) => alive && (setData(d), setError(undefined)),
        (e: Error) => alive && setError(e.message),
      );
    void load();
    const timer = window.setInterval(load, everyMs);
    return () => {
      alive = false;
      window.clearInterval(timer);
    };
  }, [path, everyMs, bump]);
  return { data, error };
}

export function useHash(): string {
  const [hash, setHash] = useState(location.hash || '#/');
  useEffect(() => {
    const on = () => setHash(location.hash || '#/');
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return hash;
}
