/**
 * Which collector the uplink dials next, when a deployment has several collectors on one database (issue 14):
 * any of them accepts the agent, and the database they share holds its chain head, so moving between them
 * loses nothing (the Welcome says where the collector's copy ends).
 *
 * The rule: stay on the collector that works; when its stream breaks or it cannot be reached, try the next one in
 * order, wrapping round. The reconnect backoff grows only with whole rounds that failed, so a dead collector costs
 * one short retry before the next one is tried, while an agent that reaches none backs off as a lone-collector
 * agent always did (with one address every failure is a whole round: the schedule is unchanged).
 */
export class CollectorRotation {
  #addresses: string[];
  #index = 0;
  /** Addresses that failed in a row since the last one that worked. */
  #failures = 0;

  /** `addresses` in the order to try them, the first one first; at least one. */
  constructor(addresses: readonly string[]) {
    const unique = dedupe(addresses);
    if (unique.length === 0) throw new RangeError('at least one collector address is needed');
    this.#addresses = unique;
  }

  /** The collector to dial now. */
  get current(): string {
    return this.#addresses[this.#index]!;
  }

  get addresses(): readonly string[] {
    return this.#addresses;
  }

  /** The current collector welcomed the agent: it stays on it. */
  connected(): void {
    this.#failures = 0;
  }

  /**
   * The current collector could not be reached or its stream broke: the next one becomes current. Returns the
   * backoff's attempt number: how many whole rounds through the list had failed before this failure (0 for every
   * address of the first round; with one address, 0, 1, 2… as before).
   */
  failed(): number {
    this.#failures += 1;
    this.#index = (this.#index + 1) % this.#addresses.length;
    return Math.floor((this.#failures - 1) / this.#addresses.length);
  }

  /**
   * The list a collector handed out (enrollment answer or welcome). The current collector goes first, so the one
   * that works is also the one tried first after a restart; the others follow in the collector's order. An empty
   * list (a collector with no list configured) changes nothing. Returns true when the list changed.
   */
  offer(offered: readonly string[]): boolean {
    if (offered.length === 0) return false;
    const next = orderCollectorAddresses(this.current, offered);
    if (next.length === this.#addresses.length && next.every((address, i) => address === this.#addresses[i])) return false;
    this.#addresses = next;
    this.#index = 0;
    this.#failures = 0;
    return true;
  }
}

/** The address in use first, then the offered ones in their order (each once). */
export function orderCollectorAddresses(inUse: string, offered: readonly string[]): string[] {
  return dedupe([inUse, ...offered]);
}

function dedupe(addresses: readonly string[]): string[] {
  return [...new Set(addresses.map((a) => a.trim()).filter((a) => a.length > 0))];
}
