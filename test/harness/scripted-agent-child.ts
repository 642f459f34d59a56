// A real agent process driven line by line on stdin (commands: agent-script.ts), for tests that stop, tamper
// with and restart an agent. Says "ready" once running; exits after "stop".
import { createInterface } from 'node:readline';
import { runTestAgent } from './agent.ts';
import { runAgentCommand } from './agent-script.ts';

const [stateDir] = process.argv.slice(2);
const agent = await runTestAgent(stateDir!);
process.stdout.write('ready\n');

for await (const line of createInterface({ input: process.stdin })) {
  process.stdout.write(`${await runAgentCommand(agent, line)}\n`);
  if (line.trim() === 'stop') process.exit(0);
}
