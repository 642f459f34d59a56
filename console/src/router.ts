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

/**
 * Alert mails link to `${publicUrl}/alerts/<id>`, a path, while the console routes by hash. For such a start-up path
 * this gives the page to stay on (the console's root, keeping any prefix a reverse proxy put in front) and the hash
 * route to open; undefined for every other path.
 */
export function hashRouteForPath(pathname: string): { base: string; hash: string } | undefined {
  const match = /^(.*?)\/alerts(?:\/(\d+))?\/?$/.exec(pathname);
  if (!match) return undefined;
  return { base: `${match[1]}/`, hash: href(match[2] ? ['alerts', match[2]] : ['alerts']) };
}

/** Called once before the first render: rewrites `/alerts/<id>` to `/#/alerts/<id>` without a reload or history entry. */
export function adoptPathRoute(location: Location = globalThis.location, history: History = globalThis.history): void {
  const target = hashRouteForPath(location.pathname);
  if (target) history.replaceState(history.state, '', `${target.base}${location.search}${target.hash}`);
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
