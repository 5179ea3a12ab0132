// Strings decoded from bytes, cached by their bytes: a JTL repeats a few dozen labels, response codes
// and thread names millions of times, and decoding each occurrence would dominate the parse.

/** More distinct values than this (unparameterized URLs as labels) are decoded without caching. */
const MAX_ENTRIES = 20_000;
const SUB_RESULT_SUFFIX = /-\d+$/;

export interface CachedString {
  text: string;
  /**
   * For a label like "home-0" or "home-0-1", the labels it would be a JMeter sub-result of ("home",
   * "home-0"); empty for most labels.
   */
  parents: readonly string[];
}

interface Entry extends CachedString {
  bytes: Buffer;
  next: Entry | undefined;
}

export class ByteStringCache {
  readonly #entries = new Map<number, Entry>();
  #size = 0;

  get(src: Buffer, start: number, end: number): CachedString {
    // FNV-1a over the bytes.
    let hash = 0x811c9dc5;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ (src[i] as number), 16777619);
    const length = end - start;
    const head = this.#entries.get(hash);
    for (let entry = head; entry; entry = entry.next) {
      if (entry.bytes.length === length && sameBytes(entry.bytes, src, start, length)) return entry;
    }
    const text = src.toString('utf8', start, end);
    const value: Entry = {
      text,
      parents: parentLabels(text),
      bytes: Buffer.from(src.subarray(start, end)),
      next: head,
    };
    if (this.#size < MAX_ENTRIES) {
      this.#entries.set(hash, value);
      this.#size++;
    }
    return value;
  }
}

function sameBytes(bytes: Buffer, src: Buffer, start: number, length: number): boolean {
  for (let i = 0; i < length; i++) if (bytes[i] !== src[start + i]) return false;
  return true;
}

function parentLabels(label: string): string[] {
  const parents: string[] = [];
  let rest = label;
  while (SUB_RESULT_SUFFIX.test(rest)) {
    rest = rest.replace(SUB_RESULT_SUFFIX, '');
    parents.push(rest);
  }
  return parents;
}
