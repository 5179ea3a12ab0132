// Counts per bucket of a coordinate (time in ms, or record number in a log without times) for many
// series at once, with a bounded number of buckets: when the coordinates seen span more than
// `maxBuckets` buckets, every series is merged into wider buckets. Each width on the ladder is a
// whole multiple of the one before, so merging never splits a bucket. The grid is anchored at
// the first coordinate seen; earlier coordinates (records out of order) get negative indices and
// the grid's start moves back to them.

export type BucketCounts = Map<number, number>;

/**
 * Widths for time buckets, in ms: readable steps (1 s, 2 s, 10 s, 20 s, 1 min, ...), each a whole
 * multiple of the previous one; after a day, doubling.
 */
const TIME_LADDER = [
  1_000, 2_000, 10_000, 20_000, 60_000, 120_000, 600_000, 1_200_000, 3_600_000, 7_200_000, 21_600_000,
  43_200_000, 86_400_000,
];

export function nextTimeWidth(width: number): number {
  return TIME_LADDER.find((w) => w > width && w % width === 0) ?? width * 2;
}

/** Widths for record-number buckets: 1, 2, 10, 20, 100, 200, ... records. */
export function nextCountWidth(width: number): number {
  return String(width).startsWith('1') ? width * 2 : width * 5;
}

export class BucketGrid {
  #width: number;
  #lo = Number.POSITIVE_INFINITY;
  #hi = Number.NEGATIVE_INFINITY;
  readonly #series: BucketCounts[] = [];
  /** How many times the buckets were widened. */
  widenings = 0;

  constructor(
    readonly anchor: number,
    width: number,
    private readonly nextWidth: (width: number) => number,
    private readonly maxBuckets: number,
  ) {
    this.#width = width;
  }

  get width(): number {
    return this.#width;
  }

  /** Start coordinate of bucket 0 of pairs(); the anchor when nothing came before it. */
  get start(): number {
    return this.anchor + (Number.isFinite(this.#lo) ? this.#lo : 0) * this.#width;
  }

  /** A new series whose buckets are widened with the grid. */
  series(): BucketCounts {
    const counts: BucketCounts = new Map();
    this.#series.push(counts);
    return counts;
  }

  /** The bucket index of a coordinate, widening the grid first if it would exceed maxBuckets. */
  index(coordinate: number): number {
    let index = Math.floor((coordinate - this.anchor) / this.#width);
    while (Math.max(this.#hi, index) - Math.min(this.#lo, index) + 1 > this.maxBuckets) {
      this.#widen();
      index = Math.floor((coordinate - this.anchor) / this.#width);
    }
    if (index < this.#lo) this.#lo = index;
    if (index > this.#hi) this.#hi = index;
    return index;
  }

  /** Non-empty buckets of a series as [index from start(), count] pairs, ascending. */
  pairs(counts: BucketCounts): Array<[number, number]> {
    const lo = Number.isFinite(this.#lo) ? this.#lo : 0;
    return [...counts.entries()]
      .filter(([, n]) => n > 0)
      .map(([index, n]): [number, number] => [index - lo, n])
      .sort((a, b) => a[0] - b[0]);
  }

  #widen(): void {
    const next = this.nextWidth(this.#width);
    const factor = next / this.#width;
    for (const counts of this.#series) {
      const merged = new Map<number, number>();
      for (const [index, n] of counts) {
        const wide = Math.floor(index / factor);
        merged.set(wide, (merged.get(wide) ?? 0) + n);
      }
      counts.clear();
      for (const [index, n] of merged) counts.set(index, n);
    }
    if (Number.isFinite(this.#lo)) {
      this.#lo = Math.floor(this.#lo / factor);
      this.#hi = Math.floor(this.#hi / factor);
    }
    this.#width = next;
    this.widenings++;
  }
}

export function addCount(counts: BucketCounts, index: number, n = 1): void {
  counts.set(index, (counts.get(index) ?? 0) + n);
}
