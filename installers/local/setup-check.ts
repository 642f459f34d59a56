import { connect } from 'node:net';

/** One thing `npm start` found not configured, and the one command or page that fixes it. */
export interface SetupProblem {
  what: string;
  fix: string;
}

export interface SetupFacts {
  /** The SMTP server alert mail goes through, and whether it answered a TCP connect. */
  smtp: { host: string; port: number; reachable: boolean; setOnSettingsPage: boolean };
  /** The console's public URL as configured (undefined = derived from the listen address: fine on one PC only). */
  publicUrlConfigured: boolean;
  consoleUrl: string;
  collectorConfigFile: string;
  agentConfigFile: string;
  /** Sensor statuses of the agent on this PC. */
  sensors: { name: string; state: string; detail: string }[];
}

/** What is not configured, each with its fix; empty when nothing needs attention. Pure. */
export function setupProblems(facts: SetupFacts): SetupProblem[] {
  const problems: SetupProblem[] = [];
  const settings = `${facts.consoleUrl.replace(/\/?$/, '/')}#/settings`;
  if (!facts.smtp.reachable) {
    problems.push({
      what: `alert mail: no SMTP server answers at ${facts.smtp.host}:${facts.smtp.port}, so alert mail waits in the outbox`,
      fix: `set the mail server on ${settings} (and press "Send test mail")${facts.smtp.setOnSettingsPage ? '' : `, or smtp: in ${facts.collectorConfigFile}`}`,
    });
  }
  if (!facts.publicUrlConfigured) {
    problems.push({
      what: `links in alert mail point to ${facts.consoleUrl}, which only this PC can open`,
      fix: `set "Console address in mails" on ${settings}`,
    });
  }
  for (const sensor of facts.sensors) {
    if (sensor.state !== 'degraded' && sensor.state !== 'stopped') continue;
    const fix = sensor.name === 'mail'
      ? `add sensors.mail.upstream (host, port) to ${facts.agentConfigFile}, then restart npm start`
      : `see the reason above; the PC page on ${facts.consoleUrl} shows it too`;
    problems.push({ what: `${sensor.name} monitoring is off on this PC: ${sensor.detail}`, fix });
  }
  return problems;
}

/** Whether something accepts a TCP connection at host:port within `timeoutMs`. */
export function tcpReachable(host: string, port: number, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
