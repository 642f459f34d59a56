import { describe, expect, it } from 'vitest';
import { NotificationFeed, trayTooltip, type TrayStateView } from './notification-feed.ts';

const base: TrayStateView = { revision: 1, pc: 'PC-1', deviceMode: 'block', notifications: [], requests: [] };
const block = (id: string) => ({ id, kind: 'device', subject: 'SanDisk Ultra', message: 'USB storage is blocked.' });

describe('NotificationFeed', () => {
  it('does not replay blocks from before the session, then toasts each new block once', () => {
    const feed = new NotificationFeed();
    expect(feed.update({ ...base, notifications: [block('a')] })).toEqual([]);
    expect(feed.update({ ...base, notifications: [block('a'), block('b')] })).toEqual([{ title: 'Device blocked', body: 'SanDisk Ultra — USB storage is blocked.' }]);
    expect(feed.update({ ...base, notifications: [block('a'), block('b')] })).toEqual([]);
  });

  it('tells the user when a pending request is answered, once', () => {
    const feed = new NotificationFeed();
    const request = { id: 'r', status: 'pending' as const, subject: 'SanDisk Ultra', note: '' };
    feed.update({ ...base, requests: [request] });
    expect(feed.update({ ...base, requests: [{ ...request, status: 'approved', note: 'until 17:00' }] }))
      .toEqual([{ title: 'Access approved', body: 'SanDisk Ultra — until 17:00' }]);
    expect(feed.update({ ...base, requests: [{ ...request, status: 'approved', note: 'until 17:00' }] })).toEqual([]);
  });

  it('always says the PC is monitored in the tooltip', () => {
    expect(trayTooltip(undefined)).toMatch(/monitored/);
    expect(trayTooltip({ ...base, requests: [{ id: 'r', status: 'pending', subject: '', note: '' }] })).toBe('Mamori — PC-1 is monitored · 1 request(s) waiting');
  });
});
