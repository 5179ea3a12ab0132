// A Loki query_range answer computed from an in-memory set of entries, as Loki computes it for a
// log query with direction=forward: the entries in [start, end), oldest first, cut at `limit`,
// grouped into streams by their labels.

export interface FakeEntry {
  ns: bigint;
  labels: Record<string, string>;
  line: string;
}

export function lokiAnswer(
  entries: readonly FakeEntry[],
  params: URLSearchParams | Record<string, string>,
): unknown {
  const get = (name: string) =>
    (params instanceof URLSearchParams ? params.get(name) : params[name]) ?? undefined;
  const start = BigInt(get('start') ?? '0');
  const end = BigInt(get('end') ?? String(BigInt(Date.now()) * 1_000_000n));
  const limit = Number(get('limit') ?? '100');
  if (get('direction') !== 'forward') throw new Error('the fake answers forward queries only');
  const selected = entries
    .map((entry, order) => ({ entry, order }))
    .filter(({ entry }) => entry.ns >= start && entry.ns < end)
    .sort((a, b) => (a.entry.ns < b.entry.ns ? -1 : a.entry.ns > b.entry.ns ? 1 : a.order - b.order))
    .slice(0, limit)
    .map(({ entry }) => entry);
  const streams = new Map<string, { stream: Record<string, string>; values: Array<[string, string]> }>();
  for (const entry of selected) {
    const key = JSON.stringify(entry.labels);
    let stream = streams.get(key);
    if (!stream) {
      stream = { stream: entry.labels, values: [] };
      streams.set(key, stream);
    }
    stream.values.push([String(entry.ns), entry.line]);
  }
  return {
    status: 'success',
    data: {
      resultType: 'streams',
      result: [...streams.values()],
      stats: { summary: { totalEntriesReturned: selected.length } },
    },
  };
}

/** Entries every `stepMs` from `startMs`: routine lines, with an error every `errorEvery`-th. */
export function fakeEntries(count: number, startMs: number, stepMs: number, errorEvery = 10): FakeEntry[] {
  return Array.from({ length: count }, (_, i) => {
    const error = i % errorEvery === errorEvery - 1;
    return {
      ns: BigInt(startMs + i * stepMs) * 1_000_000n,
      labels: { app: error ? 'api' : 'web', level: error ? 'error' : 'info' },
      line: error
        ? `dial tcp 10.0.7.${i % 5}:6379: connect: connection refused`
        : `request ${i} served in ${i % 90}ms`,
    };
  });
}
