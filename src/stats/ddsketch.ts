// A DDSketch quantile sketch (Masson, Rim, Lee: "DDSketch: a fast and fully-mergeable quantile
// sketch with relative-error guarantees", VLDB 2019). Every quantile it returns is within a
// relative error `alpha` of the exact value of the same rank, whatever the distribution, and two
// sketches merge exactly by adding bins. That is what lets Faultline keep one sketch per endpoint
// and per time bucket, merge buckets when a run grows long and merge files of several injectors,
// in memory that depends on the value range and never on the number of samples.
//
// Faultline owns this (about a hundred lines) instead of depending on @datadog/sketches-js: that
// package is published without its protobufjs dependency and serializes only to protobuf, while
// the evidence bundle is JSON.

/** Relative accuracy of latency sketches: 1% keeps p99 of a 250 ms endpoint within ±2.5 ms. */
export const DEFAULT_RELATIVE_ACCURACY = 0.01;
/** Values below this (in the unit of the data, ms for latency) count as zero. */
const MIN_INDEXABLE = 1e-3;
/** Bound on bins; at 1% accuracy 4096 bins span 1e-3 to 1e32, so collapsing never happens in practice. */
const MAX_BINS = 4096;

export interface SketchJson {
  alpha: number;
  /** Index of bins[0]. */
  offset: number;
  bins: number[];
  zero: number;
  count: number;
  sum: number;
  min: number;
  max: number;
}

export class DDSketch {
  readonly alpha: number;
  readonly #gamma: number;
  readonly #logGamma: number;
  #bins: Float64Array = new Float64Array(0);
  #offset = 0;
  #zero = 0;
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;

  constructor(alpha = DEFAULT_RELATIVE_ACCURACY) {
    this.alpha = alpha;
    this.#gamma = (1 + alpha) / (1 - alpha);
    this.#logGamma = Math.log(this.#gamma);
  }

  /** Adds a non-negative value `weight` times (weight may be fractional, e.g. from an aggregate). */
  add(value: number, weight = 1): void {
    if (!(weight > 0) || !Number.isFinite(value)) return;
    const v = Math.max(value, 0);
    this.count += weight;
    this.sum += v * weight;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    if (v < MIN_INDEXABLE) {
      this.#zero += weight;
      return;
    }
    const index = Math.ceil(Math.log(v) / this.#logGamma);
    this.#ensure(index);
    const slot = index - this.#offset;
    if (slot < 0) this.#bins[0] = (this.#bins[0] ?? 0) + weight;
    else this.#bins[slot] = (this.#bins[slot] ?? 0) + weight;
  }

  /** The value at quantile q in [0, 1]; NaN for an empty sketch. */
  quantile(q: number): number {
    if (this.count === 0) return Number.NaN;
    if (q <= 0) return this.min;
    if (q >= 1) return this.max;
    const rank = q * (this.count - 1);
    let seen = this.#zero;
    if (rank < seen) return 0;
    for (let i = 0; i < this.#bins.length; i++) {
      seen += this.#bins[i] ?? 0;
      if (seen > rank) return this.#clamp(this.#valueOf(i + this.#offset));
    }
    return this.max;
  }

  /** Fraction of the values that are <= value (within the sketch's accuracy). */
  rankOf(value: number): number {
    if (this.count === 0) return Number.NaN;
    let below = this.#zero;
    if (value < MIN_INDEXABLE) return below / this.count;
    const index = Math.ceil(Math.log(value) / this.#logGamma);
    for (let i = 0; i < this.#bins.length && i + this.#offset <= index; i++) below += this.#bins[i] ?? 0;
    return below / this.count;
  }

  get mean(): number {
    return this.count === 0 ? Number.NaN : this.sum / this.count;
  }

  merge(other: DDSketch): void {
    if (other.alpha !== this.alpha) throw new Error('cannot merge sketches of different accuracy');
    if (other.count === 0) return;
    const otherJson = other.toJSON();
    this.#zero += otherJson.zero;
    if (otherJson.bins.length > 0) {
      this.#ensure(otherJson.offset);
      this.#ensure(otherJson.offset + otherJson.bins.length - 1);
      otherJson.bins.forEach((weight, i) => {
        const slot = Math.max(0, otherJson.offset + i - this.#offset);
        this.#bins[slot] = (this.#bins[slot] ?? 0) + weight;
      });
    }
    this.count += other.count;
    this.sum += other.sum;
    this.min = Math.min(this.min, other.min);
    this.max = Math.max(this.max, other.max);
  }

  /** Calls fn for each non-empty bin in increasing order: a representative value and its weight. */
  forEachBin(fn: (value: number, weight: number, lower: number, upper: number) => void): void {
    if (this.#zero > 0) fn(0, this.#zero, 0, MIN_INDEXABLE);
    for (let i = 0; i < this.#bins.length; i++) {
      const weight = this.#bins[i] ?? 0;
      if (weight > 0) {
        const index = i + this.#offset;
        fn(this.#clamp(this.#valueOf(index)), weight, this.#gamma ** (index - 1), this.#gamma ** index);
      }
    }
  }

  toJSON(): SketchJson {
    let first = 0;
    let last = this.#bins.length - 1;
    while (first <= last && this.#bins[first] === 0) first++;
    while (last >= first && this.#bins[last] === 0) last--;
    return {
      alpha: this.alpha,
      offset: this.#offset + first,
      bins: Array.from(this.#bins.subarray(first, last + 1)),
      zero: this.#zero,
      count: this.count,
      sum: this.sum,
      min: this.count === 0 ? 0 : this.min,
      max: this.count === 0 ? 0 : this.max,
    };
  }

  /**
   * An empty sketch whose bins already cover [low, high]: values in that range never grow the
   * bin array, which saves the repeated reallocation a sketch per time bucket would otherwise pay.
   */
  static forRange(low: number, high: number, alpha = DEFAULT_RELATIVE_ACCURACY): DDSketch {
    const sketch = new DDSketch(alpha);
    // Both ends are raised to the smallest indexable value: below it values go to the zero count,
    // and log(0) would make the bin count -Infinity (a RangeError from Float64Array).
    const first = Math.ceil(Math.log(Math.max(low, MIN_INDEXABLE)) / sketch.#logGamma);
    const last = Math.ceil(Math.log(Math.max(high, low, MIN_INDEXABLE)) / sketch.#logGamma);
    sketch.#offset = first;
    sketch.#bins = new Float64Array(Math.min(MAX_BINS, last - first + 1));
    return sketch;
  }

  static fromJSON(json: SketchJson): DDSketch {
    const sketch = new DDSketch(json.alpha);
    sketch.#bins = Float64Array.from(json.bins);
    sketch.#offset = json.offset;
    sketch.#zero = json.zero;
    sketch.count = json.count;
    sketch.sum = json.sum;
    sketch.min = json.count === 0 ? Number.POSITIVE_INFINITY : json.min;
    sketch.max = json.count === 0 ? Number.NEGATIVE_INFINITY : json.max;
    return sketch;
  }

  #valueOf(index: number): number {
    return (2 * this.#gamma ** index) / (this.#gamma + 1);
  }

  #clamp(value: number): number {
    return Math.min(this.max, Math.max(this.min, value));
  }

  /** Grows the dense bin array to hold index; past MAX_BINS the lowest bins collapse into the first. */
  #ensure(index: number): void {
    if (this.#bins.length === 0) {
      this.#offset = index;
      this.#bins = new Float64Array(16);
      return;
    }
    const end = this.#offset + this.#bins.length;
    if (index >= this.#offset && index < end) return;
    const newOffset = Math.min(this.#offset, index);
    const newEnd = Math.max(end, index + 1);
    let length = Math.max(newEnd - newOffset, this.#bins.length * 2);
    let offset = index < this.#offset ? newEnd - length : newOffset;
    if (length > MAX_BINS) {
      length = MAX_BINS;
      offset = newEnd - MAX_BINS;
    }
    const bins = new Float64Array(length);
    for (let i = 0; i < this.#bins.length; i++) {
      const weight = this.#bins[i] ?? 0;
      if (weight === 0) continue;
      const slot = Math.max(0, i + this.#offset - offset);
      bins[slot] = (bins[slot] ?? 0) + weight;
    }
    this.#bins = bins;
    this.#offset = offset;
  }
}
