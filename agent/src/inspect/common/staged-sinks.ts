import type { NumberSinks } from './number-scanner.ts';

/** Numbers held in a growing Float64Array: a JS array of 12-digit values would box each one (garbage per value). */
class HeldNumbers {
  #values = new Float64Array(1024);
  #count = 0;

  add(value: number): void {
    if (this.#count === this.#values.length) {
      const grown = new Float64Array(this.#values.length * 2);
      grown.set(this.#values);
      this.#values = grown;
    }
    this.#values[this.#count] = value;
    this.#count += 1;
  }

  passTo(sink: (value: number) => void): void {
    for (let i = 0; i < this.#count; i += 1) sink(this.#values[i]!);
    this.#count = 0;
  }
}

/**
 * Number sinks that hold what they are given until `commit` passes it on: the byte scanner may give up halfway
 * through a text (then the text is decoded and scanned again, and nothing it found may count twice).
 */
export class StagedSinks {
  readonly sinks: NumberSinks = {};
  readonly #commits: (() => void)[] = [];

  constructor(target: NumberSinks) {
    for (const key of ['my_number', 'phone', 'postal_code'] as const) {
      const sink = target[key];
      if (!sink) continue;
      const held = new HeldNumbers();
      this.sinks[key] = (value) => held.add(value);
      this.#commits.push(() => held.passTo(sink));
    }
    for (const key of ['credit_card', 'bank_account'] as const) {
      const sink = target[key];
      if (!sink) continue;
      const held: string[] = [];
      this.sinks[key] = (value) => { held.push(value); };
      this.#commits.push(() => {
        for (const value of held) sink(value);
        held.length = 0;
      });
    }
  }

  commit(): void {
    for (const pass of this.#commits) pass();
  }
}
