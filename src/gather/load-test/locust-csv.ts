import { stat } from 'node:fs/promises';
import { GatherError } from '../gatherer.js';
import { type InputFile, openInput } from './input.js';
import { forEachCsvRecord } from './locust-csv-records.js';
import type { LoadTestParser } from './parser.js';
import type { AggregateObservation, SampleSink } from './sample.js';

// Locust `--csv=PREFIX` files, as locust/stats.py (StatsCSV, StatsCSVFileWriter) writes them in
// Locust 1.x and 2.x; the 0.x column names ("Method", "# requests", "# failures") are read too:
//   PREFIX_stats.csv          Type,Name,Request Count,Failure Count,Median/Average/Min/Max Response
//                             Time,Average Content Size,Requests/s,Failures/s,50%,66%,...,100%
//   PREFIX_stats_history.csv  Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,...,100%,
//                             Total Request Count,Total Failure Count,Total Median/Average/Min/Max
//                             Response Time,Total Average Content Size
//   PREFIX_failures.csv       Method,Name,Error,Occurrences
//   PREFIX_exceptions.csv     Count,Message,Traceback,Nodes
// Each file is recognized by its header line. History rows are written once a second (epoch
// seconds) with cumulative totals; the requests of an interval are the difference of Total Request
// Count between consecutive rows of the same Type+Name. With --csv-full-history every endpoint
// has rows and its percentiles are the "current" ones (a ~10 s window); without it only the
// "Aggregated" row is written, with percentiles since the start.
//
// Several files of one prefix describe the same requests, and each is gathered as its own source,
// so one rule decides which file counts them: the richest file of the prefix present on disk
// (history, else stats) reads the requests and folds the failure messages of _failures.csv and
// the exceptions of _exceptions.csv into them. Any other file of the prefix adds its endpoint
// names with zero requests and a note saying where the requests come from. Giving one file or all
// of them therefore counts every request once (files renamed away from the PREFIX_ pattern are not
// recognized as siblings and are read on their own).

type LocustFile = 'stats' | 'history' | 'failures' | 'exceptions';

const SUFFIXES: Record<LocustFile, string> = {
  stats: '_stats.csv',
  history: '_stats_history.csv',
  failures: '_failures.csv',
  exceptions: '_exceptions.csv',
};

/** Locust writes history once a second (CSV_STATS_INTERVAL_SEC); the first row of an endpoint has no predecessor. */
const DEFAULT_INTERVAL_MS = 1000;
/** Failure and exception rows read for messages; Locust keys them by method, name and error, so more means unbounded messages. */
const MAX_MESSAGE_ROWS = 5000;
/** requests' HTTPError text, e.g. "503 Server Error: Service Unavailable for url: /x". */
const HTTP_ERROR = /\b([1-5]\d\d) (?:Client|Server) Error\b/;
const AGGREGATED_NAMES = new Set(['Aggregated', 'Total']);

export const locustCsvParser: LoadTestParser = {
  format: 'locust-csv',
  expects:
    'Locust --csv files with their header line: _stats.csv, _stats_history.csv, _failures.csv, _exceptions.csv',
  detect(head: string): boolean {
    return kindOfHeader(head) !== undefined;
  },
  async parse(input: InputFile, sink: SampleSink): Promise<void> {
    const kind = kindOfHeader(input.head.toString('utf8'));
    if (!kind) throw new GatherError('unsupported-format', `${input.path}: not a Locust CSV header`);
    const siblings = await findSiblings(input.path);
    const owner = siblings.history ?? siblings.stats;
    if (kind === 'exceptions') {
      const note = await exceptionsNote(input);
      throw new GatherError(
        'unsupported-format',
        `${input.path}: a Locust _exceptions.csv holds no requests (${note}); its exceptions are reported with ` +
          `${owner ?? 'the _stats_history.csv or _stats.csv of the same run'}`,
      );
    }
    if ((kind === 'stats' && siblings.history) || (kind === 'failures' && owner)) {
      await readEndpointNamesOnly(input, sink, kind);
      sink.note(`Locust: requests of ${input.path} are counted from ${owner}, which holds the same run`);
      return;
    }
    const failures =
      kind === 'failures' ? undefined : siblings.failures ? await readFailures(siblings.failures) : undefined;
    if (siblings.exceptions && kind !== 'failures')
      sink.note(await exceptionsNote(await openInput(siblings.exceptions)));
    if (kind === 'history') await readHistory(input, sink, failures);
    else if (kind === 'stats') await readStats(input, sink, failures);
    else await readFailuresAlone(input, sink);
  },
};

function kindOfHeader(head: string): LocustFile | undefined {
  const end = head.indexOf('\n');
  const names = headerNames(head.slice(0, end === -1 ? head.length : end).replace(/\r$/, ''));
  const has = (...wanted: string[]): boolean => wanted.every((w) => names.includes(w));
  if (has('timestamp', 'user count', 'name') && (has('total request count') || has('# requests')))
    return 'history';
  if (has('name') && (has('type') || has('method')) && (has('request count') || has('# requests')))
    return 'stats';
  if (has('method', 'name', 'error', 'occurrences')) return 'failures';
  if (has('count', 'message', 'traceback')) return 'exceptions';
  return undefined;
}

function headerNames(line: string): string[] {
  return line.split(',').map((h) => h.trim().replace(/^"|"$/g, '').toLowerCase());
}

async function findSiblings(path: string): Promise<Partial<Record<LocustFile, string>>> {
  const plain = path.replace(/\.gz$/, '');
  const kinds = Object.keys(SUFFIXES) as LocustFile[];
  // _stats_history.csv also ends in "_history.csv", never in "_stats.csv": try the longest suffix first.
  const own = kinds
    .sort((a, b) => SUFFIXES[b].length - SUFFIXES[a].length)
    .find((k) => plain.endsWith(SUFFIXES[k]));
  if (!own) return {};
  const prefix = plain.slice(0, -SUFFIXES[own].length);
  const found: Partial<Record<LocustFile, string>> = {};
  for (const kind of kinds) {
    if (kind === own) continue;
    for (const candidate of [`${prefix}${SUFFIXES[kind]}`, `${prefix}${SUFFIXES[kind]}.gz`]) {
      if (await isFile(candidate)) {
        found[kind] = candidate;
        break;
      }
    }
  }
  return found;
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

interface Columns {
  index(...names: string[]): number | undefined;
  percentiles: Array<{ q: number; at: number }>;
}

function columnsOf(header: string[]): Columns {
  const names = header.map((h) => h.trim().toLowerCase());
  const percentiles: Array<{ q: number; at: number }> = [];
  names.forEach((name, at) => {
    const p = /^(\d+(?:\.\d+)?)%$/.exec(name);
    if (p?.[1]) percentiles.push({ q: Number(p[1]) / 100, at });
  });
  return {
    index(...wanted: string[]): number | undefined {
      for (const w of wanted) {
        const at = names.indexOf(w);
        if (at !== -1) return at;
      }
      return undefined;
    },
    percentiles,
  };
}

/** Streams the records after the header line; problems go to the sink (or nowhere, for a survey pass). */
async function readRows(
  input: InputFile,
  problems: SampleSink | undefined,
  row: (fields: string[], line: number, columns: Columns) => void,
  multiline = false,
): Promise<void> {
  let columns: Columns | undefined;
  await forEachCsvRecord(
    input.chunks(),
    {
      record(fields, line) {
        if (!columns) {
          columns = columnsOf(fields);
          return;
        }
        row(fields, line, columns);
      },
      problem(line, message) {
        problems?.problem(line, message);
      },
    },
    multiline,
  );
}

function num(fields: string[], at: number | undefined): number {
  if (at === undefined) return Number.NaN;
  const text = fields[at]?.trim() ?? '';
  return text === '' ? Number.NaN : Number(text);
}

function labelOf(type: string, name: string): string {
  return type ? `${type} ${name}` : name;
}

function isAggregated(type: string, name: string): boolean {
  return (type === '' || type === 'None') && AGGREGATED_NAMES.has(name);
}

function quantilesOf(fields: string[], columns: Columns): Array<{ q: number; value: number }> {
  const out: Array<{ q: number; value: number }> = [];
  for (const { q, at } of columns.percentiles) {
    const value = num(fields, at);
    if (Number.isFinite(value)) out.push({ q, value });
  }
  return out;
}

async function readHistory(
  input: InputFile,
  sink: SampleSink,
  failures: FailureMessages | undefined,
): Promise<void> {
  // A survey pass first: without --csv-full-history the Aggregated row is the only series and is
  // read as the endpoint; with it, reading Aggregated too would count every request twice.
  let endpointRows = false;
  await readRows(input, undefined, (fields, _line, columns) => {
    const type = fields[columns.index('type', 'method') ?? -1] ?? '';
    const name = fields[columns.index('name') ?? -1] ?? '';
    if (name !== '' && !isAggregated(type, name)) endpointRows = true;
  });
  if (!endpointRows) {
    sink.note(
      'Locust history has only the Aggregated row (no --csv-full-history): one series for all endpoints, with percentiles since the start of the run',
    );
  }
  const last = new Map<string, { t: number; count: number; failures: number; bytes: number }>();
  let resets = 0;
  await readRows(input, sink, (fields, line, columns) => {
    const type = fields[columns.index('type', 'method') ?? -1] ?? '';
    const name = fields[columns.index('name') ?? -1] ?? '';
    const seconds = num(fields, columns.index('timestamp'));
    const users = num(fields, columns.index('user count'));
    const count = num(fields, columns.index('total request count', '# requests'));
    const failed = num(fields, columns.index('total failure count', '# failures'));
    if (!Number.isFinite(seconds) || !Number.isFinite(count) || !Number.isFinite(failed) || name === '') {
      sink.problem(line, 'expected a Timestamp, a Name and Total Request/Failure Count numbers');
      return;
    }
    const t = seconds * 1000;
    const aggregated = isAggregated(type, name);
    if (aggregated && Number.isFinite(users)) sink.users(t, users, line);
    if (aggregated && endpointRows) return;
    const key = aggregated ? 'Aggregated' : labelOf(type, name);
    const avgSize = num(fields, columns.index('total average content size', 'average content size'));
    const bytes = Number.isFinite(avgSize) ? avgSize * count : 0;
    const prev = last.get(key);
    last.set(key, { t, count, failures: failed, bytes });
    // Counts fall when the stats are reset from the web UI; the row then counts from zero again.
    const reset = prev !== undefined && count < prev.count;
    if (reset) resets++;
    const base = prev && !reset ? prev : { t: t - DEFAULT_INTERVAL_MS, count: 0, failures: 0, bytes: 0 };
    const requests = count - base.count;
    if (requests <= 0) return;
    let quantiles = quantilesOf(fields, columns);
    if (quantiles.length === 0) {
      const median = num(fields, columns.index('total median response time', 'median response time'));
      if (Number.isFinite(median)) quantiles = [{ q: 0.5, value: median }];
    }
    if (quantiles.length === 0) {
      sink.problem(line, `${requests} requests without response time percentiles`);
      return;
    }
    const durationMs = Math.max(t - base.t, DEFAULT_INTERVAL_MS);
    const observation: AggregateObservation = {
      label: key,
      start: t - durationMs,
      durationMs,
      count: requests,
      failures: Math.min(requests, Math.max(0, failed - base.failures)),
      quantiles,
      receivedBytes: Math.max(0, bytes - base.bytes),
      line,
    };
    if (Number.isFinite(users)) observation.concurrency = users;
    emitWithFailures(sink, observation, failures?.forLabel(aggregated ? undefined : key));
  });
  if (resets > 0) sink.note(`Locust history: request counts were reset ${resets} time(s) during the run`);
}

async function readStats(
  input: InputFile,
  sink: SampleSink,
  failures: FailureMessages | undefined,
): Promise<void> {
  let endpoints = 0;
  await readRows(input, sink, (fields, line, columns) => {
    const type = fields[columns.index('type', 'method') ?? -1] ?? '';
    const name = fields[columns.index('name') ?? -1] ?? '';
    const aggregated = isAggregated(type, name);
    // Locust writes the Aggregated row last; it repeats the endpoints above it.
    if (aggregated && endpoints > 0) return;
    const count = num(fields, columns.index('request count', '# requests'));
    const failed = num(fields, columns.index('failure count', '# failures'));
    if (!Number.isFinite(count) || !Number.isFinite(failed) || name === '') {
      sink.problem(line, 'expected a Name and Request/Failure Count numbers');
      return;
    }
    if (count === 0) return;
    const quantiles = quantilesOf(fields, columns);
    const median = num(fields, columns.index('median response time'));
    if (Number.isFinite(median)) quantiles.push({ q: 0.5, value: median });
    if (quantiles.length === 0) {
      sink.problem(line, `${count} requests without response time percentiles`);
      return;
    }
    endpoints++;
    const observation: AggregateObservation = {
      label: aggregated ? 'Aggregated' : labelOf(type, name),
      count,
      failures: Math.min(count, failed),
      quantiles,
      line,
    };
    const min = num(fields, columns.index('min response time'));
    const max = num(fields, columns.index('max response time'));
    const mean = num(fields, columns.index('average response time'));
    const avgSize = num(fields, columns.index('average content size'));
    if (Number.isFinite(min)) observation.min = min;
    if (Number.isFinite(max)) observation.max = max;
    if (Number.isFinite(mean)) observation.mean = mean;
    if (Number.isFinite(avgSize)) observation.receivedBytes = avgSize * count;
    emitWithFailures(sink, observation, failures?.forLabel(aggregated ? undefined : observation.label));
  });
  sink.note(
    'Locust _stats.csv: totals only, no time series; give the _stats_history.csv (ideally from --csv-full-history) for time-based analysis',
  );
}

/** Endpoint names with zero requests: the file is one of a prefix whose requests another file counts. */
async function readEndpointNamesOnly(input: InputFile, sink: SampleSink, kind: LocustFile): Promise<void> {
  await readRows(input, sink, (fields, line, columns) => {
    const type = fields[columns.index(kind === 'failures' ? 'method' : 'type', 'method') ?? -1] ?? '';
    const name = fields[columns.index('name') ?? -1] ?? '';
    if (name === '' || isAggregated(type, name)) return;
    sink.aggregate({
      label: labelOf(type, name),
      count: 0,
      failures: 0,
      quantiles: [{ q: 0.5, value: 0 }],
      line,
    });
  });
}

/** A _failures.csv on its own: failure messages per endpoint, with no request count or latency to go with them. */
async function readFailuresAlone(input: InputFile, sink: SampleSink): Promise<void> {
  const failures = await readFailures(input.path, sink);
  for (const [label, messages] of failures.byLabel) {
    sink.aggregate({
      label,
      count: 0,
      failures: 0,
      quantiles: [{ q: 0.5, value: 0 }],
      failureMessages: Object.fromEntries(messages),
      line: failures.lines.get(label) ?? 1,
    });
  }
  sink.note(
    'Locust _failures.csv alone: failure messages without request counts or response times; give the _stats_history.csv of the run too',
  );
}

interface FailureMessages {
  byLabel: Map<string, Map<string, number>>;
  lines: Map<string, number>;
  forLabel(label: string | undefined): Map<string, number> | undefined;
}

async function readFailures(path: string, sink?: SampleSink): Promise<FailureMessages> {
  const input = await openInput(path);
  const byLabel = new Map<string, Map<string, number>>();
  const lines = new Map<string, number>();
  const all = new Map<string, number>();
  let rows = 0;
  await readRows(input, sink, (fields, line, columns) => {
    const method = fields[columns.index('method') ?? -1] ?? '';
    const name = fields[columns.index('name') ?? -1] ?? '';
    const error = fields[columns.index('error') ?? -1] ?? '';
    const occurrences = num(fields, columns.index('occurrences'));
    if (name === '' || !(occurrences >= 0)) {
      sink?.problem(line, 'expected Method,Name,Error,Occurrences with a number of occurrences');
      return;
    }
    if (++rows > MAX_MESSAGE_ROWS) return;
    const label = labelOf(method, name);
    const messages = byLabel.get(label) ?? new Map<string, number>();
    messages.set(error, (messages.get(error) ?? 0) + occurrences);
    byLabel.set(label, messages);
    if (!lines.has(label)) lines.set(label, line);
    all.set(error, (all.get(error) ?? 0) + occurrences);
  });
  if (rows > MAX_MESSAGE_ROWS)
    sink?.note(`Locust failures: only the first ${MAX_MESSAGE_ROWS} rows were read`);
  return { byLabel, lines, forLabel: (label) => (label === undefined ? all : byLabel.get(label)) };
}

async function exceptionsNote(input: InputFile): Promise<string> {
  let total = 0;
  const top: Array<{ count: number; message: string }> = [];
  let rows = 0;
  await readRows(
    input,
    undefined,
    (fields, _line, columns) => {
      const count = num(fields, columns.index('count'));
      const message = (fields[columns.index('message') ?? -1] ?? '').trim();
      if (!(count >= 0) || ++rows > MAX_MESSAGE_ROWS) return;
      total += count;
      top.push({ count, message: message.length > 120 ? `${message.slice(0, 120)}…` : message });
      top.sort((a, b) => b.count - a.count);
      top.length = Math.min(top.length, 3);
    },
    true,
  );
  const examples = top.map((e) => `"${e.message}" ${e.count}×`).join(', ');
  return `Locust: ${total} exception(s) raised in user code${examples ? ` (${examples})` : ''}`;
}

/**
 * Emits an observation with its failures broken down by message. Locust's failures.csv counts are
 * for the whole run, so an interval's failures are shared out in the same proportions. HTTP errors
 * carry their status ("503 Server Error"), which says more about the kind than the text, so they
 * travel as statuses in a separate observation: counts add up, so splitting one interval in two
 * changes nothing else.
 */
function emitWithFailures(
  sink: SampleSink,
  observation: AggregateObservation,
  messages: Map<string, number> | undefined,
): void {
  if (observation.failures === 0 || !messages || messages.size === 0) {
    sink.aggregate(observation);
    return;
  }
  const shares = allocate(observation.failures, messages);
  const failureMessages: Record<string, number> = {};
  const statuses: Record<string, number> = {};
  let httpFailures = 0;
  for (const [message, n] of shares) {
    if (n === 0) continue;
    const code = HTTP_ERROR.exec(message)?.[1];
    if (code) {
      statuses[code] = (statuses[code] ?? 0) + n;
      httpFailures += n;
    } else failureMessages[message] = n;
  }
  if (httpFailures < observation.count) {
    sink.aggregate({
      ...observation,
      count: observation.count - httpFailures,
      failures: observation.failures - httpFailures,
      failureMessages,
    });
  }
  if (httpFailures > 0) {
    const { receivedBytes: _bytes, ...rest } = observation;
    sink.aggregate({ ...rest, count: httpFailures, failures: httpFailures, statuses });
  }
}

/** Splits `total` in proportion to the weights, in whole numbers that add up (largest remainder). */
function allocate(total: number, weights: Map<string, number>): Map<string, number> {
  const sum = [...weights.values()].reduce((a, b) => a + b, 0);
  const out = new Map<string, number>();
  if (sum <= 0 || total <= 0) return out;
  const parts = [...weights].map(([key, w]) => {
    const exact = (total * w) / sum;
    return { key, whole: Math.floor(exact), rest: exact - Math.floor(exact) };
  });
  let left = Math.round(total - parts.reduce((a, p) => a + p.whole, 0));
  for (const p of [...parts].sort((a, b) => b.rest - a.rest)) {
    if (left <= 0) break;
    p.whole++;
    left--;
  }
  for (const p of parts) out.set(p.key, p.whole);
  return out;
}
