import { describe, expect, it } from 'vitest';
import { CollectorRotation, orderCollectorAddresses } from './collector-rotation.ts';

describe('collector rotation', () => {
  it('stays on the collector that works and tries the next one, in order and wrapping round, when it fails', () => {
    const rotation = new CollectorRotation(['a:7443', 'b:7443', 'c:7443']);
    expect(rotation.current).toBe('a:7443');
    rotation.connected();
    expect(rotation.current).toBe('a:7443');
    rotation.failed();
    expect(rotation.current).toBe('b:7443');
    rotation.connected(); // b works: it stays there
    expect(rotation.current).toBe('b:7443');
    rotation.failed();
    rotation.failed();
    expect(rotation.current).toBe('a:7443');
  });

  it('grows the backoff only with whole rounds that failed, and starts over once one works', () => {
    const rotation = new CollectorRotation(['a:1', 'b:1']);
    expect([rotation.failed(), rotation.failed(), rotation.failed(), rotation.failed(), rotation.failed()]).toEqual([0, 0, 1, 1, 2]);
    rotation.connected();
    expect(rotation.failed()).toBe(0);
  });

  it('with one address keeps the schedule one collector always had: every failure is a round', () => {
    const rotation = new CollectorRotation(['only:7443']);
    expect([rotation.failed(), rotation.failed(), rotation.failed()]).toEqual([0, 1, 2]);
    expect(rotation.current).toBe('only:7443');
  });

  it('takes a list a collector offers with the collector in use first, and ignores an empty one', () => {
    const rotation = new CollectorRotation(['a:1']);
    expect(rotation.offer([])).toBe(false);
    expect(rotation.addresses).toEqual(['a:1']);
    expect(rotation.offer(['b:1', 'a:1', 'c:1'])).toBe(true);
    expect(rotation.addresses).toEqual(['a:1', 'b:1', 'c:1']);
    expect(rotation.current).toBe('a:1');
    expect(rotation.offer(['b:1', 'c:1', 'a:1'])).toBe(false); // same set, the one in use already first
    rotation.failed();
    expect(rotation.current).toBe('b:1');
    rotation.connected();
    // b's welcome lists the same collectors: b goes first, so an agent restarted later dials the one that worked.
    expect(rotation.offer(['a:1', 'b:1', 'c:1'])).toBe(true);
    expect(rotation.addresses).toEqual(['b:1', 'a:1', 'c:1']);
    expect(rotation.current).toBe('b:1');
  });

  it('keeps an address it dialled even when the collector does not list it (a name the token used, not the advertised one)', () => {
    expect(orderCollectorAddresses('collector.local:7443', ['10.0.0.1:7443', '10.0.0.2:7443'])).toEqual(['collector.local:7443', '10.0.0.1:7443', '10.0.0.2:7443']);
    expect(orderCollectorAddresses('a:1', ['a:1', 'a:1', ' b:1 '])).toEqual(['a:1', 'b:1']);
  });

  it('refuses an empty list', () => {
    expect(() => new CollectorRotation([])).toThrow(/at least one/);
  });
});
