import { useEffect, useState } from 'react';

/** Where the console is: `#/pcs/PC-ACCT-07?around=…` → { path: ['pcs', 'PC-ACCT-07'], params }. */
export interface Route {
  path: string[];
  params: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const text = hash.replace(/^#\/?/, '');
  const [pathPart = '', query = ''] = text.split('?', 2);
  const path = pathPart.split('/').filter(Boolean).map((segment) => {
    try {
      return decodeURIComponent(segment);
    } catch {
      return segment;
    }
  });
  return { path, params: new URLSearchParams(query) };
}

/** A hash link; segments are encoded so a PC name with `/` or `?` stays one segment. */
export function href(path: string[], params: Record<string, string | number | undefined> = {}): string {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined && value !== '') query.set(key, String(value));
  const text = query.toString();
  return `#/${path.map(encodeURIComponent).join('/')}${text ? `?${text}` : ''}`;
}

export function navigate(path: string[], params: Record<string, string | number | undefined> = {}): void {
  globalThis.location.hash = href(path, params);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(globalThis.location?.hash ?? ''));
  useEffect(() => {
    const update = () => setRoute(parseHash(globalThis.location.hash));
    globalThis.addEventListener('hashchange', update);
    return () => globalThis.removeEventListener('hashchange', update);
  }, []);
  return route;
}
