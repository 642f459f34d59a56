import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The agent state `npm start` keeps in a checkout (<checkout>/.mamori/agent, or $MAMORI_HOME/agent), found from
 * `cwd` upwards: `mamori-agent status` run in the checkout reports the demo's agent instead of "not enrolled" when
 * this PC has no installed agent. Undefined when there is no enrolled demo agent.
 */
export function findDemoStateDir(cwd: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const enrolled = (dir: string) => existsSync(join(dir, 'identity.json'));
  if (env.MAMORI_HOME && enrolled(join(resolve(env.MAMORI_HOME), 'agent'))) return join(resolve(env.MAMORI_HOME), 'agent');
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, '.mamori', 'agent');
    if (enrolled(candidate)) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * For `status`: the demo's state dir when the configured one (not named by the admin, nor by MAMORI_AGENT_STATE)
 * holds no enrolled agent; undefined to keep the configured one.
 */
export function demoStateInstead(configured: string, cwd: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.MAMORI_AGENT_STATE || existsSync(join(configured, 'identity.json'))) return undefined;
  return findDemoStateDir(cwd, env);
}
