import type { Sensor } from '../common/sensor.ts';
import type { SensorContext } from '../registry.ts';

/** The mail relay is OS-neutral (loopback SMTP), so every platform gets the same adapter. */
export async function createMailSensor(context: SensorContext): Promise<Sensor> {
  const config = context.config.sensors.mail;
  const { SmtpRelayMailSensor } = await import('./node/smtp-relay-mail-sensor.ts');
  return new SmtpRelayMailSensor(config, context.policy, context.currentUser);
}
