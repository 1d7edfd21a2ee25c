/**
 * A seeded pseudo-random generator (mulberry32): small, fast, and the same sequence on
 * every machine for the same seed, which is all a reproducible fault schedule needs.
 */
export class Random {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  /** An integer in [min, max] (both included). */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error('pick from an empty list');
    return item;
  }

  /**
   * A draw function that goes through `items` in a shuffled order, reshuffling after each
   * round, so every item comes up (a short run still injects every fault family).
   */
  cycle<T>(items: readonly T[]): () => T {
    let round: T[] = [];
    return () => {
      if (round.length === 0) {
        round = [...items];
        for (let i = round.length - 1; i > 0; i--) {
          const j = this.int(0, i);
          [round[i], round[j]] = [round[j] as T, round[i] as T];
        }
      }
      const item = round.pop();
      if (item === undefined) throw new Error('cycle through an empty list');
      return item;
    };
  }

  /**
   * An independent generator for one consumer (a writer, the schedule), so adding a
   * draw in one place does not shift every other consumer's sequence.
   */
  fork(label: string): Random {
    let hash = this.state ^ 0x9e3779b9;
    for (let i = 0; i < label.length; i++) hash = Math.imul(hash ^ label.charCodeAt(i), 0x01000193);
    return new Random(hash >>> 0);
  }
}
