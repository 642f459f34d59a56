import { describe, expect, it } from 'vitest';
import { hashRouteForPath, parseHash } from './router.ts';

describe('hashRouteForPath', () => {
  it('turns the paths alert mails link to into hash routes, keeping a proxy prefix', () => {
    expect(hashRouteForPath('/alerts/42')).toEqual({ base: '/', hash: '#/alerts/42' });
    expect(hashRouteForPath('/alerts/42/')).toEqual({ base: '/', hash: '#/alerts/42' });
    expect(hashRouteForPath('/alerts')).toEqual({ base: '/', hash: '#/alerts' });
    expect(hashRouteForPath('/mamori/alerts/7')).toEqual({ base: '/mamori/', hash: '#/alerts/7' });
    expect(parseHash(hashRouteForPath('/alerts/42')!.hash).path).toEqual(['alerts', '42']);
  });

  it('leaves every other path alone', () => {
    for (const path of ['/', '/index.html', '/alerts/abc', '/alerts/1/2', '/pcs/alerts-x', '/assets/alerts/1.js']) {
      expect(hashRouteForPath(path), path).toBeUndefined();
    }
  });
});
