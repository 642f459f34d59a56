import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { EventDraft } from '../../../core/event-draft.ts';
import { AccessRequests, parseOutcomeArgs } from './access-requests.ts';
import { BlockNotifier, blockFromDraft } from './block-notifier.ts';

const stick = { vendorId: '0781', productId: '5581', serial: 'S1', vendor: 'SanDisk', product: 'Ultra', deviceClass: '00', interfaceClasses: ['08'], busPath: '1-2' };
const blocked = () => new BlockNotifier().notify(blockFromDraft({ device: { action: 'BLOCKED', device: stick, rule: 'device.default', message: 'blocked' } })!);

function setup(path?: string) {
  const emitted: EventDraft[] = [];
  const requests = new AccessRequests({ emit: (d) => emitted.push(d), user: () => 'tanaka', ...(path ? { path } : {}) });
  return { emitted, requests };
}

describe('AccessRequests', () => {
  it('journals the request before keeping it, with the device and the reason', () => {
    const { emitted, requests } = setup();
    const request = requests.request(blocked(), '  visitor brought a contract  ');
    expect(request).toMatchObject({ status: 'pending', reason: 'visitor brought a contract', blockedRule: 'device.default' });
    expect(emitted).toEqual([{ user: 'tanaka', accessRequest: expect.objectContaining({ state: 'REQUESTED', requestId: request.id, reason: 'visitor brought a contract', device: expect.objectContaining({ serial: 'S1' }) }) }]);
  });

  it('refuses empty or long reasons, non-device blocks and a second open request for the same stick', () => {
    const { emitted, requests } = setup();
    expect(() => requests.request(blocked(), '   ')).toThrow(/why/);
    expect(() => requests.request(blocked(), 'x'.repeat(501))).toThrow(/500/);
    expect(() => requests.request(blocked(), 42)).toThrow(/why/);
    const mail = new BlockNotifier().notify({ kind: 'mail', message: 'm', rule: 'r', subject: 's' });
    expect(() => requests.request(mail, 'please')).toThrow(/blocked device/);
    requests.request(blocked(), 'first');
    expect(() => requests.request(blocked(), 'again')).toThrow(/already waiting/);
    expect(emitted).toHaveLength(1);
  });

  it('applies an answer once, journals its receipt once, ignores unknown ids, and survives a restart', () => {
    const path = join(mkdtempSync(join(tmpdir(), 'mamori-access-')), 'access-requests.json');
    const { emitted, requests } = setup(path);
    const request = requests.request(blocked(), 'need it');
    expect(requests.applyOutcome({ requestId: 'req_unknown', outcome: 'approved' })).toBe(false);
    expect(requests.applyOutcome({ requestId: request.id, outcome: 'approved', untilMs: 5000, note: 'ok' })).toBe(true);
    expect(requests.applyOutcome({ requestId: request.id, outcome: 'declined' })).toBe(true);
    expect(requests.list()[0]).toMatchObject({ status: 'approved', untilMs: 5000, note: 'ok' });
    expect(emitted.filter((d) => d.accessRequest?.state === 'OUTCOME_RECEIVED')).toHaveLength(1);
    expect(setup(path).requests.list()[0]).toMatchObject({ id: request.id, status: 'approved' });
  });

  it('reads outcome commands defensively', () => {
    expect(parseOutcomeArgs('{"requestId":"req_1","outcome":"declined","note":"no"}')).toEqual({ requestId: 'req_1', outcome: 'declined', note: 'no' });
    expect(parseOutcomeArgs('{"requestId":"req_1","outcome":"maybe"}')).toBeUndefined();
    expect(parseOutcomeArgs('not json')).toBeUndefined();
  });
});
