/**
 * Runs one SmtpRelay in its own process, for tests that kill it mid-message. argv[2]: JSON
 * { upstreamPort, spoolDir }. Prints `port <n>` once listening and one JSON line per emitted event.
 */
import { MailPolicySchema } from '@mamori/policies';
import { MailSensorConfigSchema, UpstreamConfigSchema } from '../../common/config.ts';
import { SmtpRelay } from '../smtp-relay.ts';

const options = JSON.parse(process.argv[2] ?? '{}') as { upstreamPort: number; spoolDir: string };
let seq = 0;
const relay = new SmtpRelay({
  config: MailSensorConfigSchema.parse({ listen: { port: 0 }, spoolDir: options.spoolDir }),
  upstream: UpstreamConfigSchema.parse({ host: '127.0.0.1', port: options.upstreamPort, security: 'none', auth: { mode: 'none' } }),
  emit: (draft) => {
    process.stdout.write(`${JSON.stringify(draft)}\n`);
    return (seq += 1);
  },
  policy: () => MailPolicySchema.parse({}),
  currentUser: () => 'tester',
});
const port = await relay.listen();
process.stdout.write(`port ${port}\n`);
