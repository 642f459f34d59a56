// Entry point of the single-executable agent (Node SEA). Same CLI as agent/bin/mamori-agent.js, without tsx.
import { runAgentCli } from '../../agent/src/cli/program.ts';

// In a single executable, argv is [executable, executable, ...arguments], like `node script ...arguments`.
runAgentCli(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    process.stderr.write(`mamori-agent: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
