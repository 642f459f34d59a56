// A TCP proxy process between the soak's agent and collector, so the chaos script can cut connections the way a
// flaky network does (the TLS/HTTP2 stream breaks mid-batch) without either end choosing to close.
//   node --import tsx tcp-proxy.ts LISTEN_PORT TARGET_PORT
// SIGUSR1: destroy every open connection (both sides see a reset). SIGUSR2: the same, and refuse new connections
// for 5 s (a short partition). Prints "listening PORT" once ready; on SIGTERM prints one JSON line of counts.
import { createServer, connect, type Socket } from 'node:net';

const [listenPort, targetPort] = process.argv.slice(2).map(Number);
const open = new Set<Socket>();
const counts = { connections: 0, cuts: 0, partitions: 0, refused: 0 };
let partitionedUntil = 0;

const server = createServer((client) => {
  if (performance.now() < partitionedUntil) {
    counts.refused += 1;
    client.destroy();
    return;
  }
  counts.connections += 1;
  const upstream = connect({ host: '127.0.0.1', port: targetPort! });
  open.add(client);
  open.add(upstream);
  const close = () => {
    client.destroy();
    upstream.destroy();
    open.delete(client);
    open.delete(upstream);
  };
  client.on('error', close).on('close', close);
  upstream.on('error', close).on('close', close);
  client.pipe(upstream);
  upstream.pipe(client);
});

function cutAll(): void {
  for (const socket of open) socket.resetAndDestroy();
  open.clear();
}

process.on('SIGUSR1', () => {
  counts.cuts += 1;
  cutAll();
});
process.on('SIGUSR2', () => {
  counts.partitions += 1;
  partitionedUntil = performance.now() + 5_000;
  cutAll();
});
process.on('SIGTERM', () => {
  process.stdout.write(`${JSON.stringify(counts)}\n`);
  cutAll();
  server.close(() => process.exit(0));
});

server.listen(listenPort, '127.0.0.1', () => process.stdout.write(`listening ${listenPort}\n`));
