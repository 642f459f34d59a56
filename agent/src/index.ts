export { runAgent, type RunningAgent } from './main.ts';
export { runAgentCli } from './cli/program.ts';
export { enroll } from './uplink/enroll.ts';
export { loadAgentConfig } from './config/load.ts';
export { AgentConfigSchema, type AgentConfig } from './config/schema.ts';
export { AgentError, agentErrors } from './errors.ts';
export { Journal } from './core/journal.ts';
