import { X509Certificate, createHash } from 'node:crypto';
import { connect, type DetailedPeerCertificate } from 'node:tls';
import { AgentError } from '../errors.ts';

/** The name agents expect in the collector's certificate whatever address they dial (the CA is pinned). */
export const collectorTlsName = 'mamori-collector';

/**
 * Fetches the collector's CA certificate over TLS and checks it against the fingerprint from the enrollment token:
 * the CA must be in the presented chain, match the pin, and have issued the server certificate. Returns its PEM,
 * which the agent then trusts exclusively for gRPC.
 */
export async function fetchPinnedCa(address: string, fingerprint: string, timeoutMs = 10_000): Promise<string> {
  const [host, port] = splitAddress(address);
  const chain = await new Promise<DetailedPeerCertificate>((resolve, reject) => {
    const socket = connect({ host, port, servername: collectorTlsName, rejectUnauthorized: false, ALPNProtocols: ['h2'] }, () => {
      const peer = socket.getPeerCertificate(true);
      socket.end();
      resolve(peer);
    });
    socket.setTimeout(timeoutMs, () => socket.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    socket.on('error', (error) => reject(new AgentError('AGENT_COLLECTOR_UNREACHABLE', `${address}: ${error.message}`, { cause: error })));
  });
  if (!chain?.raw) throw new AgentError('AGENT_PIN_MISMATCH', 'no certificate presented');
  const server = new X509Certificate(chain.raw);
  let current: DetailedPeerCertificate | undefined = chain;
  const seen = new Set<string>();
  while (current?.raw && !seen.has(current.fingerprint256)) {
    seen.add(current.fingerprint256);
    const digest = createHash('sha256').update(current.raw).digest('hex');
    if (digest === fingerprint) {
      const ca = new X509Certificate(current.raw);
      if (!server.checkIssued(ca) || !server.verify(ca.publicKey)) {
        throw new AgentError('AGENT_PIN_MISMATCH', 'the pinned CA did not issue the server certificate');
      }
      return ca.toString();
    }
    current = current.issuerCertificate;
  }
  throw new AgentError('AGENT_PIN_MISMATCH', `expected CA ${fingerprint.slice(0, 16)}…, not in the presented chain`);
}

export function splitAddress(address: string): [string, number] {
  const index = address.lastIndexOf(':');
  return [address.slice(0, index), Number(address.slice(index + 1))];
}
