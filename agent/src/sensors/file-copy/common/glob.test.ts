import { describe, expect, it } from 'vitest';
import { compileIgnore, expandHome } from './glob.ts';

describe('ignore patterns and home expansion', () => {
  it('matches housekeeping folders and nothing else', () => {
    const ignored = compileIgnore(['.Trash-*/**', 'System Volume Information/**', '*.tmp']);
    expect(ignored('.Trash-1000/files/a.txt')).toBe(true);
    expect(ignored('.Trash-1000')).toBe(true);
    expect(ignored('System Volume Information/IndexerVolumeGuid')).toBe(true);
    expect(ignored('x.tmp')).toBe(true);
    expect(ignored('docs/x.tmp')).toBe(false);
    expect(ignored('citizens.csv')).toBe(false);
    expect(ignored('a.Trash-1/b')).toBe(false);
    expect(compileIgnore([])('anything')).toBe(false);
  });

  it('expands ~ only at the start', () => {
    expect(expandHome('~/Documents', '/home/hanako')).toBe('/home/hanako/Documents');
    expect(expandHome('/srv/~x', '/home/hanako')).toBe('/srv/~x');
  });
});
