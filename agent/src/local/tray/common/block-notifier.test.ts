import { describe, expect, it } from 'vitest';
import { BlockNotifier, blockFromDraft } from './block-notifier.ts';

const stick = { vendorId: '0781', productId: '5581', serial: 'S1', vendor: 'SanDisk', product: 'Ultra', deviceClass: '00', interfaceClasses: ['08'], busPath: '1-2' };

describe('blockFromDraft', () => {
  it('recognises device, mail, print and upload blocks and nothing else', () => {
    expect(blockFromDraft({ device: { action: 'BLOCKED', device: stick, rule: 'device.default', message: 'USB storage is blocked.' } }))
      .toMatchObject({ kind: 'device', subject: 'SanDisk Ultra', rule: 'device.default', message: 'USB storage is blocked.', device: { serial: 'S1', busPath: '1-2' } });
    expect(blockFromDraft({ mail: { verdict: 'blocked', subject: 'List', rule: 'mail.external_attachments', upstreamResponse: '550 personal numbers' } }))
      .toMatchObject({ kind: 'mail', subject: 'List', message: expect.stringContaining('550 personal numbers') });
    expect(blockFromDraft({ printJob: { action: 'cancelled', documentName: 'all.pdf', rule: 'print.max_pages' } })).toMatchObject({ kind: 'print' });
    expect(blockFromDraft({ policyDecision: { subject: 'upload', decision: 'block', rule: 'upload.categories', detail: 'personal cloud' } })).toMatchObject({ kind: 'upload' });
    expect(blockFromDraft({ device: { action: 'ALLOWED', device: stick } })).toBeUndefined();
    expect(blockFromDraft({ mail: { verdict: 'relayed' } })).toBeUndefined();
    expect(blockFromDraft({ lifecycle: { kind: 'STARTED' } })).toBeUndefined();
  });
});

describe('BlockNotifier', () => {
  it('keeps a bounded list, makes only device blocks requestable, cleans text and survives a throwing listener', () => {
    const notifier = new BlockNotifier({ keep: 2, now: () => 1000 });
    const heard: string[] = [];
    notifier.subscribe(() => { throw new Error('broken page'); });
    notifier.subscribe((n) => heard.push(n.id));
    notifier.observe({ device: { action: 'BLOCKED', device: { ...stick, product: 'Ultra\u0007\nFit' }, rule: 'r', message: 'm' } });
    notifier.notify({ kind: 'mail', message: 'x'.repeat(900), rule: 'r', subject: 's' });
    notifier.notify({ kind: 'upload', message: 'm', rule: 'r', subject: 's' });
    const list = notifier.list();
    expect(list.map((n) => n.kind)).toEqual(['mail', 'upload']);
    expect(list[0]!.message.length).toBe(500);
    expect(list.every((n) => !n.requestable)).toBe(true);
    expect(heard).toHaveLength(3);
    const device = new BlockNotifier().notify(blockFromDraft({ device: { action: 'BLOCKED', device: { ...stick, product: 'Ultra\u0007\nFit' } } })!);
    expect(device.requestable).toBe(true);
    expect(device.subject).toBe('SanDisk Ultra  Fit');
  });
});
