#!/usr/bin/env node
// Runs the TypeScript sources through tsx's loader, so the CLI works straight from a checkout.
import process from 'node:process';
import { register } from 'tsx/esm/api';

register();
const { runAgentCli } = await import('../src/cli/program.ts');
process.exitCode = await runAgentCli(process.argv.slice(2));
