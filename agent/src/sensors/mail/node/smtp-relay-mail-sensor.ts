/**
 * The mail sensor on every OS: the local SMTP relay (smtp-relay.ts). Mail clients are pointed at it by the
 * installer (see ../README.md). OS interface: loopback TCP. Privileges: none. Known gap: mail sent through
 * webmail or a client configured to bypass the relay is not seen here (the upload sensor sees webmail).
 */
import type { PolicyHolder } from '../../../core/policy-holder.ts';
import type { Emit, Sensor, SensorStatus } from '../../common/sensor.ts';
import type { MailSensorConfig } from '../common/config.ts';

export class SmtpRelayMailSensor implements Sensor {
  readonly name = 'mail' as const;
  readonly #config: MailSensorConfig;
  readonly #policy: PolicyHolder;
  readonly #currentUser: () => string;
  #status: SensorStatus = { state: 'stopped', detail: 'not started' };

  constructor(config: MailSensorConfig, policy: PolicyHolder, currentUser: () => string) {
    this.#config = config;
    this.#policy = policy;
    this.#currentUser = currentUser;
  }

  async start(emit: Emit, signal: AbortSignal): Promise<SensorStatus> {
    const upstream = this.#config.upstream;
    const { host, port } = this.#config.listen;
    if (!this.#config.enabled) {
      this.#status = { state: 'stopped', detail: 'mail relay disabled in the agent configuration' };
      return this.#status;
    }
    if (!upstream) {
      this.#status = { state: 'degraded', detail: 'mail relay not started: no upstream mail server configured (sensors.mail.upstream)' };
      return this.#status;
    }
    // Loaded only when the relay runs: smtp-server, nodemailer and mailparser cost ~20 MB of an idle agent's memory.
    const { SmtpRelay } = await import('./smtp-relay.ts');
    const { ContentInspector } = await import('../../../inspect/node/content-inspector.ts');
    const { createConnectionOwnerLookup } = await import('../../../platform/connection-owner/connection-owner.ts');
    const language = this.#config.language === 'auto'
      ? (new Intl.DateTimeFormat().resolvedOptions().locale.startsWith('ja') ? 'ja' : 'en')
      : this.#config.language;
    const relay = new SmtpRelay({
      config: this.#config, upstream, emit,
      policy: () => this.#policy.current()?.mail,
      currentUser: this.#currentUser,
      inspector: new ContentInspector(() => this.#policy.current()?.content),
      connectionOwner: await createConnectionOwnerLookup(),
      language,
      log: (line) => process.stderr.write(`${line}\n`),
    });
    try {
      const bound = await relay.listen();
      this.#status = { state: 'running', detail: `SMTP relay on ${host}:${bound} → ${upstream.host}:${upstream.port}` };
    } catch (error) {
      // Port taken (another agent, a stale process): report it, never crash the agent.
      this.#status = { state: 'degraded', detail: `mail relay cannot listen on ${host}:${port}: ${(error as Error).message}` };
      await relay.close().catch(() => undefined);
      return this.#status;
    }
    signal.addEventListener('abort', () => {
      void relay.close();
      this.#status = { state: 'stopped', detail: 'stopped' };
    }, { once: true });
    return this.#status;
  }

  status(): SensorStatus {
    return this.#status;
  }
}
