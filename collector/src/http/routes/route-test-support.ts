import type { RouteDeps } from './deps.ts';

/** The header route tests send to act as a signed-in user of that role (no session machinery needed). */
export const testRoleHeader = 'x-test-role';

/**
 * A stand-in for the server's role guard in narrow route tests: passes (and marks the request signed in) when the
 * `x-test-role` header names exactly the required role, else answers 401; records each role asked for in `seen`.
 */
export function headerRoleGuard(seen: string[] = [], signedInAs = 'tester'): RouteDeps['requireRole'] {
  return (role) => async (request, reply) => {
    seen.push(role);
    const r = request as { headers: Record<string, string>; webSession?: unknown };
    if (r.headers[testRoleHeader] !== role) {
      await (reply as { code(n: number): { send(b: unknown): Promise<void> } }).code(401).send({ error: 'COLLECTOR_AUTH_REQUIRED' });
      return;
    }
    r.webSession = { username: signedInAs, role };
  };
}
