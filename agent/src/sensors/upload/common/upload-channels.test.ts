import { describe, expect, it } from 'vitest';
import { effectivePolicyFor, PolicySetSchema } from '@mamori/policies';
import { PolicyHolder } from '../../../core/policy-holder.ts';
import type { LocalRoute, LocalRoutes } from '../../../local/local-server.ts';
import type { BridgeHandler } from '../../../local/browser-bridge/index.ts';
import { UploadSensorConfigSchema } from './config.ts';
import { extensionRoutes, UploadSensor } from './upload-sensor.ts';

/** Which doors the sensor opens: with the native bridge, the loopback report routes only when asked for. */
describe('upload report channels', () => {
  function sensor(loopback: boolean | undefined) {
    const routes = new Map<string, LocalRoute>();
    const local: LocalRoutes = { route: (r) => { routes.set(r.path, r); return () => routes.delete(r.path); } };
    let handler: BridgeHandler | undefined;
    const upload = new UploadSensor({
      routes: local, bridge: { handle: (h) => { handler = h; } }, loopback,
      config: UploadSensorConfigSchema.parse({}), policy: new PolicyHolder(effectivePolicyFor(PolicySetSchema.parse({}), 'PC-1', 1)),
      currentUser: () => 'alice', hasher: { hash: () => Promise.reject(new Error('unused')) },
    });
    return { upload, routes, handler: () => handler };
  }

  it('opens no loopback report route by default when the native bridge is there', async () => {
    const s = sensor(undefined);
    await s.upload.start(() => 1, new AbortController().signal);
    expect([...s.routes.keys()]).toEqual([]);
    expect(s.handler()).toBeTypeOf('function');
  });

  it('opens the loopback routes too only when configured (legacy)', async () => {
    const s = sensor(true);
    await s.upload.start(() => 1, new AbortController().signal);
    expect([...s.routes.keys()].sort()).toEqual(Object.values(extensionRoutes).sort());
  });
});
