import { describe, expect, it } from 'vitest';
import { entryFields } from './entry-fields.tsx';

describe('entry fields', () => {
  it('labels each field, flattens one level of nesting, joins lists and never shows raw JSON', () => {
    expect(entryFields({ scope: 'pc', name: 'PC-1', mode: 'read_only', version: 4, smtp: { host: 'mail', port: 25 }, files: ['a.yaml', 'b.yaml'], serial: null })).toEqual([
      ['scope', 'pc'], ['name', 'PC-1'], ['mode', 'read_only'], ['version', '4'], ['smtp.host', 'mail'], ['smtp.port', '25'], ['files', 'a.yaml, b.yaml'], ['serial', '—'],
    ]);
    expect(entryFields({ a: { b: { c: 1 } } })).toEqual([['a.b', 'c: 1']]);
    expect(entryFields('text')).toEqual([]);
  });
});
