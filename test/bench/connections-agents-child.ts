// The PC side of bench:connections, in its own process so the collector being measured is not starved by it:
// enrolls `count` agents with one multi-use token, then holds each one's stream open the way the real uplink does —
// its own TLS connection (a local subchannel pool per client: grpc-js would otherwise multiplex every client over
// one shared HTTP/2 connection, which no fleet of PCs does), hello → challenge → signed auth → welcome, a heartbeat
// every HEARTBEAT_MS, and on a lost stream a reconnect after the uplink's own backoff schedule and defaults
// (agent/src/uplink/backoff.ts). Prints JSON lines: {"enrolled":n}, then {"welcomed":n} as the count of
// welcomed streams changes (at most every 200 ms), so the parent can time a full reconnect.
import * as grpc from '@grpc/grpc-js';
import type { AgentServiceClient, CollectorMessage__Output } from '@mamori/proto';
import { decodeEnrollmentToken, generateEd25519KeyPair, loadPrivateKey, signAuth } from '@mamori/proto';
import { loadAgentServiceProto, maxMessageBytes } from '@mamori/proto/grpc';
import { DEFAULT_BACKOFF_INITIAL_MS, DEFAULT_BACKOFF_MAX_MS, MAX_BACKOFF_ATTEMPT, reconnectDelayMs } from '../../agent/src/uplink/backoff.ts';
import { fetchPinnedCa } from '../../agent/src/uplink/pin.ts';
import { collectorTlsName } from '../../agent/src/uplink/pin.ts';

const [token, countText, heartbeatText] = process.argv.slice(2);
const count = Number(countText);
const HEARTBEAT_MS = Number(heartbeatText ?? 30_000);
const parsed = decodeEnrollmentToken(token!);
const caPem = await fetchPinnedCa(parsed.address, parsed.caFingerprint);
const Service = loadAgentServiceProto().mamori.v1.AgentService;
const credentials = grpc.credentials.createSsl(Buffer.from(caPem));

function newClient(): AgentServiceClient {
  return new Service(parsed.address.replace(/^127\.0\.0\.1:/, 'localhost:'), credentials, {
    'grpc.ssl_target_name_override': collectorTlsName,
    'grpc.default_authority': collectorTlsName,
    'grpc.max_receive_message_length': maxMessageBytes,
    'grpc.keepalive_time_ms': 30_000,
    'grpc.use_local_subchannel_pool': 1,
    'grpc.initial_reconnect_backoff_ms': 500,
    'grpc.max_reconnect_backoff_ms': 10_000,
  });
}

interface Sim { agentId: string; key: ReturnType<typeof loadPrivateKey>; client: AgentServiceClient; welcomed: boolean; attempt: number }

const enrollClient = newClient();
const sims: Sim[] = [];
for (let i = 0; i < count; i += 100) {
  const batch = await Promise.all(Array.from({ length: Math.min(100, count - i) }, async (_, j) => {
    const pair = generateEd25519KeyPair();
    const response = await new Promise<{ agentId: string }>((resolve, reject) => enrollClient.Enroll({
      tokenSecret: parsed.secret, hostname: `PC-IDLE-${i + j}`, os: 'bench', hardwareId: `idle-${process.pid}-${i + j}`, publicKey: pair.publicKey, agentVersion: 'bench',
    }, (error, value) => (error || !value ? reject(error) : resolve(value))));
    return { agentId: response.agentId, key: loadPrivateKey(pair.privateKeyPem), client: newClient(), welcomed: false, attempt: 0 };
  }));
  sims.push(...batch);
}
enrollClient.close();
process.stdout.write(`${JSON.stringify({ enrolled: sims.length })}\n`);

let welcomed = 0;
let reported = -1;
setInterval(() => {
  if (welcomed !== reported) process.stdout.write(`${JSON.stringify({ welcomed })}\n`);
  reported = welcomed;
}, 200);

function connect(sim: Sim): void {
  const call = sim.client.Connect();
  let heartbeat: NodeJS.Timeout | undefined;
  let closed = false;
  const lost = () => {
    if (closed) return;
    closed = true;
    clearTimeout(heartbeat);
    if (sim.welcomed) welcomed -= 1;
    sim.welcomed = false;
    const delay = reconnectDelayMs(sim.attempt, DEFAULT_BACKOFF_INITIAL_MS, DEFAULT_BACKOFF_MAX_MS);
    sim.attempt = Math.min(sim.attempt + 1, MAX_BACKOFF_ATTEMPT);
    setTimeout(() => connect(sim), delay);
  };
  call.on('data', (m: CollectorMessage__Output) => {
    if (m.challenge) call.write({ auth: { signature: signAuth(sim.key, sim.agentId, m.challenge.nonce) } });
    else if (m.welcome && !sim.welcomed) {
      sim.welcomed = true;
      sim.attempt = 0;
      welcomed += 1;
      // Heartbeats at the configured interval, starting at a random point so they do not all fall together.
      heartbeat = setTimeout(function beat() {
        call.write({ heartbeat: { agentVersion: 'bench', policyVersion: 1, timeMs: Date.now(), user: 'tanaka', sensors: [{ name: 'usb', state: 'running' }] } });
        heartbeat = setTimeout(beat, HEARTBEAT_MS);
      }, Math.random() * HEARTBEAT_MS);
    }
  });
  call.on('error', lost);
  call.on('end', lost);
  call.write({ hello: { agentId: sim.agentId, agentVersion: 'bench' } });
}

// Connect in waves of 200 so start-up looks like PCs coming in, not one instant; reconnects then follow the backoff.
for (let i = 0; i < sims.length; i += 200) {
  for (const sim of sims.slice(i, i + 200)) connect(sim);
  await new Promise((resolve) => setTimeout(resolve, 50));
}
process.on('SIGTERM', () => process.exit(0));
