import { createServer } from 'node:net';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { setupProblems, tcpReachable, type SetupFacts } from '../../installers/local/setup-check.ts';

const facts = (over: Partial<SetupFacts> = {}): SetupFacts => ({
  smtp: { host: '127.0.0.1', port: 25, reachable: false, setOnSettingsPage: false }, publicUrlConfigured: false,
  consoleUrl: 'http://localhost:8443/', collectorConfigFile: '/x/.mamori/collector/collector.yaml', agentConfigFile: '/x/.mamori/agent/agent.yaml',
  sensors: [{ name: 'usb', state: 'running', detail: '' }, { name: 'mail', state: 'degraded', detail: 'mail relay not started: no upstream mail server configured (sensors.mail.upstream)' }],
  ...over,
});

describe('npm start: what is not configured', () => {
  it('names the unreachable SMTP server, the local-only public URL and the mail relay, each with its fix', () => {
    expect(setupProblems(facts())).toEqual([
      { what: 'alert mail: no SMTP server answers at 127.0.0.1:25, so alert mail waits in the outbox', fix: 'set the mail server on http://localhost:8443/#/settings (and press "Send test mail"), or smtp: in /x/.mamori/collector/collector.yaml' },
      { what: 'links in alert mail point to http://localhost:8443/, which only this PC can open', fix: 'set "Console address in mails" on http://localhost:8443/#/settings' },
      { what: 'mail monitoring is off on this PC: mail relay not started: no upstream mail server configured (sensors.mail.upstream)', fix: 'add sensors.mail.upstream (host, port) to /x/.mamori/agent/agent.yaml, then restart npm start' },
    ]);
  });

  it('says nothing when all is configured', () => {
    expect(setupProblems(facts({ smtp: { host: 'mail', port: 25, reachable: true, setOnSettingsPage: true }, publicUrlConfigured: true, sensors: [] }))).toEqual([]);
  });

  it('probes SMTP reachability with a real TCP connect', async () => {
    const server = createServer((socket) => socket.end());
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as { port: number };
    expect(await tcpReachable('127.0.0.1', port)).toBe(true);
    await new Promise((resolve) => server.close(resolve));
    expect(await tcpReachable('127.0.0.1', port)).toBe(false);
  });
});
