import { AgentError } from '../../errors.ts';
import type { Sensor } from '../common/sensor.ts';
import type { SensorContext } from '../registry.ts';
import { MailSensorConfigSchema } from './common/config.ts';

/** The mail relay is OS-neutral (loopback SMTP), so every platform gets the same adapter. */
export async function createMailSensor(context: SensorContext): Promise<Sensor> {
  const parsed = MailSensorConfigSchema.safeParse((context.config.sensors as Record<string, unknown>).mail ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AgentError('AGENT_CONFIG_INVALID', `sensors.mail.${issue.path.join('.')}: ${issue.message}`);
  }
  const { SmtpRelayMailSensor } = await import('./node/smtp-relay-mail-sensor.ts');
  return new SmtpRelayMailSensor(Object.freeze(parsed.data), context.policy, context.currentUser);
}
