import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parsePsLine, peerPidFromLsof } from './darwin-peer.ts';

const lsof = readFileSync(new URL('./fixtures/darwin-lsof-unix.txt', import.meta.url), 'utf8');

describe('macOS Unix socket peer (lsof -F + ps; hand-written fixture, see fixtures/README.md)', () => {
  it('names the process at the other end of each accepted connection', () => {
    expect(peerPidFromLsof(lsof, 412, 14)).toBe(2231);
    expect(peerPidFromLsof(lsof, 412, 15)).toBe(2290);
  });

  it('finds the peer by its pointer to us when our end is shown by path, and nothing for a listening socket', () => {
    const ownByPath = lsof.replace('n->0xa81f0c2a3c120b79', 'n/Library/Application Support/Mamori/browser.sock');
    expect(peerPidFromLsof(ownByPath, 412, 14)).toBe(2231);
    expect(peerPidFromLsof(lsof, 412, 12)).toBeUndefined();
    expect(peerPidFromLsof(lsof, 412, 99)).toBeUndefined();
  });

  it('reads ps output whose executable path has spaces', () => {
    expect(parsePsLine('  501    20  2201 tanaka   /Applications/Google Chrome.app/Contents/MacOS/Google Chrome\n')).toEqual({
      uid: 501, gid: 20, ppid: 2201, user: 'tanaka', exe: '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
    });
    expect(parsePsLine('')).toBeUndefined();
  });
});
