// A real agent process driven line by line on stdin, for tests that stop, tamper with and restart an agent:
//   record TAG N   journals N print events named TAG-0 … TAG-(N-1); answers "recorded <journal head>"
//   wait-connected answers "connected" once the uplink has been welcomed
//   drain MS       answers "drained true|false"
//   status         answers one JSON line: journal head, backlog, uplink status
//   stop           graceful stop; answers "stopped" and exits
import { createInterface } from 'node:readline';
import { runTestAgent } from './agent.ts';
import { taggedPrintEvent } from './sample-events.ts';

const [stateDir] = process.argv.slice(2);
const agent = await runTestAgent(stateDir!);
const reply = (line: string) => process.stdout.write(`${line}\n`);
reply('ready');

for await (const line of createInterface({ input: process.stdin })) {
  const [command, ...args] = line.trim().split(' ');
  if (command === 'record') {
    for (let i = 0; i < Number(args[1]); i += 1) agent.recorder.record(taggedPrintEvent(args[0]!, i));
    reply(`recorded ${agent.journal.lastSeq}`);
  } else if (command === 'wait-connected') {
    while (!agent.uplink.status().connected) await new Promise((resolve) => setTimeout(resolve, 20));
    reply('connected');
  } else if (command === 'drain') {
    reply(`drained ${await agent.uplink.drained(Number(args[0] ?? 10_000))}`);
  } else if (command === 'status') {
    reply(JSON.stringify({ head: agent.journal.lastSeq, backlog: agent.journal.backlog(), uplink: agent.uplink.status() }));
  } else if (command === 'stop') {
    await agent.stop();
    reply('stopped');
    process.exit(0);
  }
}
