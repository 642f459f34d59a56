import { createHmac } from 'node:crypto';

/** The name operators see for a person while the policy pseudonymises (stable per collector: keyed by its secret). */
export function pseudonymOf(secret: Buffer, person: string): string {
  return `P-${createHmac('sha256', secret).update(person).digest('hex').slice(0, 10)}`;
}

/** Shows people by name, or by pseudonym unless revealed, as the policy's privacy switch says. */
export function personNamer(pseudonymise: boolean, secret: Buffer | undefined, revealed: ReadonlySet<string>): (person: string) => string {
  if (!pseudonymise) return (person) => person;
  // Without a key yet nobody was ever shown pseudonymously; a fixed placeholder never leaks the name.
  if (!secret) return () => 'P-?';
  return (person) => (revealed.has(person) ? person : pseudonymOf(secret, person));
}
