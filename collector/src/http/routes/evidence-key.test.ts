import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { headerRoleGuard, testRoleHeader } from './route-test-support.ts';
import { evidenceKeyRoutes } from './evidence-key.ts';
import { evidenceKey as evidenceKeySchema } from '../../api/index.ts';
import { expectContract } from './api-contract-test-support.ts';

describe('/api/evidence/key', () => {
  it("shows signed-in users the collector's evidence key to pin, and nobody else", async () => {
    const app = Fastify();
    const seen: string[] = [];
    const evidenceKey = { publicKey: Buffer.alloc(32, 9).toString('base64'), fingerprint: 'ab:cd' };
    evidenceKeyRoutes(app, { repos: undefined as never, requireRole: headerRoleGuard(seen), evidenceKey });
    const shown = await app.inject({ url: '/api/evidence/key', headers: { [testRoleHeader]: 'auditor' } });
    expect(expectContract(evidenceKeySchema, shown.json())).toEqual({ algorithm: 'Ed25519', ...evidenceKey });
    expect(seen).toEqual(['auditor']);
    expect((await app.inject({ url: '/api/evidence/key' })).statusCode).toBe(401);
    await app.close();
  });
});
