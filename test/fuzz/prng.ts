// A small seeded PRNG (splitmix32 for seeding, mulberry32 for the stream) so every fuzz input is reproducible
// from (seed, entry point, index) alone, whatever ran before it.

export class Prng {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 2^32). */
  nextU32(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return n <= 0 ? 0 : Math.floor((this.nextU32() / 4294967296) * n);
  }

  /** Integer in [lo, hi]. */
  range(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }

  chance(p: number): boolean {
    return this.nextU32() / 4294967296 < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)];
  }

  /** Small numbers more often than large ones: good for counts of mutations and lengths. */
  skewed(max: number): number {
    return Math.min(max, Math.floor(Math.pow(this.nextU32() / 4294967296, 3) * (max + 1)));
  }
}

/** Mixes the run seed, an entry point name and an input index into one 32-bit seed. */
export function inputSeed(seed: number, entry: string, index: number): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < entry.length; i++) h = Math.imul(h ^ entry.charCodeAt(i), 0x01000193);
  h = Math.imul(h ^ (index >>> 0), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}
