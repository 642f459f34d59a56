import type { CollectorHub } from '../hub.ts';
import type { Store } from '../store/store.ts';

/**
 * An enrollment that claims a PC name already held by an agent with a different hardware id is a finding
 * (`hostname_takeover`, alerted as high): either the PC was replaced, or another machine is posing as it. The
 * earlier agents keep their evidence and stay listed under the name, so the PC's history covers every agent.
 */
export async function noteHostnameTakeover(
  deps: { store: Store; hub: CollectorHub }, enrolled: { agentId: string; hostname: string; hardwareId: string; timeMs: number },
): Promise<void> {
  const others = (await deps.store.agentsOfPc(enrolled.hostname)).filter((a) => a.hardwareId !== enrolled.hardwareId && a.id !== enrolled.agentId);
  if (others.length === 0) return;
  const describe = others.map((a) => `${a.id} (hardware ${a.hardwareId.slice(0, 64)}${a.retiredMs === null ? '' : ', retired'})`).join(', ');
  const finding = {
    agentId: enrolled.agentId, pc: enrolled.hostname, timeMs: enrolled.timeMs, kind: 'hostname_takeover',
    detail: `PC name ${enrolled.hostname} enrolled with hardware ${enrolled.hardwareId.slice(0, 64)}; already used by ${describe}`.slice(0, 1000),
  };
  await deps.store.recordIntegrityFinding(finding);
  deps.hub.emit('integrity', finding);
}
