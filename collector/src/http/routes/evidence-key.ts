import type { FastifyInstance } from 'fastify';
import { CollectorError } from '../../errors.ts';
import type { RouteDeps } from './deps.ts';

/**
 * The collector's evidence-signing public key, which signs every export's manifest. Shown in the console so an
 * auditor can note it once and pass it to the verifier (`--collector-key`): a key read from the export itself
 * proves nothing.
 */
export function evidenceKeyRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/api/evidence/key', { preHandler: deps.requireRole('auditor') }, async () => {
    if (!deps.evidenceKey) throw new CollectorError('COLLECTOR_NOT_FOUND', 'this server was built without an evidence key');
    return { algorithm: 'Ed25519', publicKey: deps.evidenceKey.publicKey, fingerprint: deps.evidenceKey.fingerprint };
  });
}
