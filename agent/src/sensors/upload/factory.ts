import { join } from 'node:path';
import { AgentError } from '../../errors.ts';
import type { Sensor } from '../common/sensor.ts';
import type { SensorContext } from '../registry.ts';
import { UploadSensorConfigSchema } from './common/config.ts';
import { UploadSensor } from './common/upload-sensor.ts';

/**
 * The upload sensor is the same on every OS (the browser does the watching); only hashing touches the disk. It
 * hears the extension through the agent's local endpoint (context.local).
 */
export async function createUploadSensor(context: SensorContext): Promise<Sensor> {
  const parsed = UploadSensorConfigSchema.safeParse((context.config.sensors as Record<string, unknown>).upload);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new AgentError('AGENT_CONFIG_INVALID', `sensors.upload.${issue.path.join('.')}: ${issue.message}`);
  }
  const config = parsed.data;
  const { NodeFileHasher } = await import('./node/file-hasher.ts');
  const { JsonProfileStore } = await import('./node/profile-store.ts');
  const { ContentInspector } = await import('../../inspect/node/content-inspector.ts');
  const { createConnectionOwnerLookup } = await import('../../platform/connection-owner/connection-owner.ts');
  return new UploadSensor({
    routes: context.local,
    config,
    policy: context.policy,
    currentUser: context.currentUser,
    hasher: new NodeFileHasher(),
    inspector: new ContentInspector(() => context.policy.current()?.content),
    connectionOwner: await createConnectionOwnerLookup(),
    profiles: new JsonProfileStore(config.profilesFile ?? join(context.config.stateDir, 'upload-extension-profiles.json')),
  });
}
