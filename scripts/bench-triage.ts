import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadCatalog } from '../src/catalog/loader.js';
import { textCatalog, triage } from '../src/pipeline/analyze.js';

// Recognition accuracy of `faultline triage` on the labelled corpus in bench/triage-corpus:
// top-1 and top-3 per scenario and per category, and false alarms on output of runs that
// succeeded; then throughput and peak memory of triage on a large generated CI log read as a
// stream. Usage: npm run bench:triage [-- --verbose] [-- --misses] [-- --only LIST] [-- --stream-mb N]
// (0 skips the stream). --misses prints each missed snippet with the scenario expected, its rank
// and what was ranked, with confidences; --only judges just the snippets named in LIST (one
// <label>/<file> a line, # comments), e.g. a batch of new held-out snippets measured on its own.

const CORPUS = join(import.meta.dirname, '..', 'bench', 'triage-corpus');
const SUCCEEDED = 'succeeded';
const verbose = process.argv.includes('--verbose');
const missesOnly = process.argv.includes('--misses');
const onlyAt = process.argv.indexOf('--only');
const only =
  onlyAt === -1
    ? undefined
    : new Set(
        readFileSync(process.argv[onlyAt + 1] as string, 'utf8')
          .split('\n')
          .map((l) => l.replace(/#.*/, '').trim())
          .filter((l) => l !== ''),
      );
const misses: string[] = [];
const streamAt = process.argv.indexOf('--stream-mb');
/** Size of the generated log: large enough that memory growing with the input would show. */
const STREAM_MB = streamAt === -1 ? 1024 : Number(process.argv[streamAt + 1]);

interface Row {
  label: string;
  category: string;
  snippets: number;
  top1: number;
  top3: number;
  falseAlarms: number;
}

const catalog = loadCatalog();
const scenarios = textCatalog(catalog);
const labels = readdirSync(CORPUS)
  .filter((name) => statSync(join(CORPUS, name)).isDirectory())
  .sort();
const rows: Row[] = [];
let lines = 0;
const started = process.hrtime.bigint();
for (const label of labels) {
  const scenario = catalog.get(label);
  if (label !== SUCCEEDED && !scenario) throw new Error(`${label}: not a scenario id (nor "${SUCCEEDED}")`);
  const row: Row = {
    label,
    category: scenario?.category ?? '-',
    snippets: 0,
    top1: 0,
    top3: 0,
    falseAlarms: 0,
  };
  for (const name of readdirSync(join(CORPUS, label)).sort()) {
    if (only && !only.has(`${label}/${name}`)) continue;
    const file = join(CORPUS, label, name);
    const { bundle, result } = await triage([file], { catalog: scenarios, now: () => new Date(0) });
    const source = bundle.evidence['tool-output']?.[0];
    if (source?.status !== 'loaded')
      throw new Error(`${file}: ${source?.status === 'failed' ? source.error.message : 'not read'}`);
    lines += source.data.lines;
    const matched = result.findings.filter((f) => f.status === 'matched').map((f) => f.scenarioId);
    row.snippets++;
    if (label === SUCCEEDED) {
      if (matched.length > 0) row.falseAlarms++;
    } else {
      const rank = matched.indexOf(label) + 1;
      if (rank === 1) row.top1++;
      if (rank >= 1 && rank <= 3) row.top3++;
      // Another scenario ranked above the right one, or raised when the right one was not.
      if (rank !== 1 && matched.length > 0) row.falseAlarms++;
    }
    const missed = label === SUCCEEDED ? matched.length > 0 : matched[0] !== label;
    if (missesOnly) {
      if (missed) {
        const ranked = result.findings
          .filter((f) => f.status === 'matched')
          .map((f) => `${f.scenarioId} ${f.confidence.toFixed(2)}`);
        const rank = matched.indexOf(label) + 1;
        misses.push(
          `  ${label}/${name}\n    expected: ${label === SUCCEEDED ? 'no finding' : `${label} (${rank === 0 ? 'not matched' : `rank ${rank}`})`}\n    ranked:   ${ranked.length > 0 ? ranked.join(', ') : 'nothing matched'}`,
        );
      }
    } else if (verbose || missed)
      console.log(`  ${label}/${name}: ${matched.length > 0 ? matched.join(', ') : 'nothing matched'}`);
  }
  if (row.snippets === 0) continue;
  rows.push(row);
}
const seconds = Number(process.hrtime.bigint() - started) / 1e9;

const pct = (n: number, d: number) => (d === 0 ? '-' : `${Math.round((100 * n) / d)}%`);
const table = (title: string, list: Row[]) => {
  console.log(`\n${title}`);
  console.log(
    `${'label'.padEnd(34)} ${'snippets'.padStart(8)} ${'top-1'.padStart(11)} ${'top-3'.padStart(11)} ${'wrong/false'.padStart(12)}`,
  );
  for (const r of list) {
    const scored = r.label !== SUCCEEDED;
    console.log(
      `${r.label.padEnd(34)} ${String(r.snippets).padStart(8)} ${(scored ? `${r.top1} (${pct(r.top1, r.snippets)})` : '-').padStart(11)} ${(scored ? `${r.top3} (${pct(r.top3, r.snippets)})` : '-').padStart(11)} ${String(r.falseAlarms).padStart(12)}`,
    );
  }
};
if (missesOnly) console.log(`Misses (${misses.length}):\n${misses.join('\n')}`);
table('Per scenario', rows);
const byCategory = new Map<string, Row>();
for (const r of rows.filter((x) => x.label !== SUCCEEDED)) {
  const c = byCategory.get(r.category) ?? {
    label: r.category,
    category: r.category,
    snippets: 0,
    top1: 0,
    top3: 0,
    falseAlarms: 0,
  };
  c.snippets += r.snippets;
  c.top1 += r.top1;
  c.top3 += r.top3;
  c.falseAlarms += r.falseAlarms;
  byCategory.set(r.category, c);
}
table(
  'Per category',
  [...byCategory.values()].sort((a, b) => (a.label < b.label ? -1 : 1)),
);
const failures = rows.filter((r) => r.label !== SUCCEEDED);
const sum = (key: 'snippets' | 'top1' | 'top3' | 'falseAlarms', list: Row[]) =>
  list.reduce((n, r) => n + r[key], 0);
const ok = rows.filter((r) => r.label === SUCCEEDED);
console.log(
  `\nAll failures: ${sum('snippets', failures)} snippets, top-1 ${pct(sum('top1', failures), sum('snippets', failures))}, top-3 ${pct(sum('top3', failures), sum('snippets', failures))}; successful outputs: ${sum('snippets', ok)}, with a false alarm: ${sum('falseAlarms', ok)}`,
);
console.log(`${lines} lines in ${seconds.toFixed(1)} s (catalog load and report assembly included)`);
if (!existsSync(CORPUS)) process.exitCode = 2;
if (STREAM_MB > 0) await streamBench(STREAM_MB);

/**
 * A CI job log of the given size as a stream: build and test chatter with a warning now and then,
 * an error with a stack trace every few thousand lines (the noise a real log carries), and the
 * failure at the end. Nothing is written to disk; the lines are made as they are read.
 */
async function* ciLog(megabytes: number): AsyncGenerator<Buffer> {
  const target = megabytes * 1024 * 1024;
  const chatter = [
    '2026-11-22T14:02:11.1234567Z [INFO] Compiling 214 source files to /builds/shop/target/classes',
    '2026-11-22T14:02:11.2234567Z Downloaded from central: https://repo.maven.apache.org/maven2/org/slf4j/slf4j-api/2.0.9/slf4j-api-2.0.9.jar (64 kB at 1.2 MB/s)',
    '2026-11-22T14:02:11.3234567Z [INFO] Tests run: 12, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.412 s - in com.shop.cart.CartServiceTest',
    '2026-11-22T14:02:11.4234567Z \u001b[32m✓\u001b[39m renders the checkout summary (31 ms)',
    '2026-11-22T14:02:11.5234567Z npm warn deprecated inflight@1.0.6: This module is not supported, and leaks memory.',
  ];
  const noise = [
    '2026-11-22T14:02:12.0000000Z WARN  [pool-2-thread-1] c.s.c.RetryingClient - call failed, retrying in 200 ms: java.net.SocketTimeoutException: Read timed out',
    '2026-11-22T14:02:12.0000000Z \tat java.base/java.net.SocketInputStream.read(SocketInputStream.java:168)',
    '2026-11-22T14:02:12.0000000Z \tat com.shop.client.RetryingClient.call(RetryingClient.java:88)',
  ];
  const end = [
    '2026-11-22T14:09:40.0000000Z npm error code ERESOLVE',
    '2026-11-22T14:09:40.0000000Z npm error ERESOLVE unable to resolve dependency tree',
    '2026-11-22T14:09:40.0000000Z npm error Found: react@18.3.1',
    '2026-11-22T14:09:40.0000000Z npm error Could not resolve dependency:',
    '2026-11-22T14:09:40.0000000Z npm error peer react@"^17.0.0" from react-beautiful-dnd@13.1.1',
    '2026-11-22T14:09:41.0000000Z ##[error]Process completed with exit code 1.',
  ];
  let written = 0;
  let line = 0;
  while (written < target) {
    const batch: string[] = [];
    for (let i = 0; i < 2000; i++, line++) {
      if (line % 5000 === 4999) batch.push(...noise);
      else batch.push(chatter[line % chatter.length] as string);
    }
    const buffer = Buffer.from(`${batch.join('\n')}\n`);
    written += buffer.length;
    yield buffer;
  }
  yield Buffer.from(`${end.join('\n')}\n`);
}

async function streamBench(megabytes: number): Promise<void> {
  const rssBefore = process.memoryUsage().rss;
  const start = process.hrtime.bigint();
  const { bundle, result } = await triage(['-'], {
    catalog: scenarios,
    now: () => new Date(0),
    stdin: () => ciLog(megabytes),
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const source = bundle.evidence['tool-output']?.[0];
  const read = source?.status === 'loaded' ? source.data : undefined;
  const top = result.findings.find((f) => f.status === 'matched');
  // maxRSS is in kibibytes; it is the peak of the whole process, corpus run included.
  const peak = process.resourceUsage().maxRSS / 1024;
  console.log(
    `\nStream: ${megabytes} MB of CI log (${read?.lines ?? 0} lines, ${read?.chunks.length ?? 0} failure chunks kept, ${read?.droppedChunks ?? 0} dropped) in ${seconds.toFixed(1)} s = ${(megabytes / seconds).toFixed(0)} MB/s; peak RSS ${peak.toFixed(0)} MB (${(rssBefore / 1048576).toFixed(0)} MB before); first finding: ${top?.scenarioId ?? 'none'}`,
  );
}
