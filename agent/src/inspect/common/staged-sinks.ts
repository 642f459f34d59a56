import type { NumberSinks } from './number-scanner.ts';

/**
 * Number sinks that hold what they are given until `commit` passes it on: the byte scanner may give up halfway
 * through a text (then the text is decoded and scanned again, and nothing it found may count twice).
 */
export class StagedSinks {
  readonly sinks: NumberSinks = {};
  readonly #commits: (() => void)[] = [];

  constructor(target: NumberSinks) {
    for (const key of Object.keys(target) as (keyof NumberSinks)[]) {
      const sink = target[key] as ((value: number | string) => void) | undefined;
      if (!sink) continue;
      const held: (number | string)[] = [];
      (this.sinks as Record<string, (value: number | string) => void>)[key] = (value) => { held.push(value); };
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
