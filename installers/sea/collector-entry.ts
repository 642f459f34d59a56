// Entry point of the single-executable collector (Node SEA). Same CLI as collector/bin/mamori-collector.js.
import { runCollectorCli } from '../../collector/src/cli/program.ts';

runCollectorCli(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    process.stderr.write(`mamori-collector: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
