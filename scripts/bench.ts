import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { loadTestGatherer } from '../src/gather/load-test/gatherer.js';

// Throughput benchmark of the load-test gatherer on JMeter CSV JTL files: generates files of
// 100 MB and 1 GB (deterministic, realistic column mix), reads each in a fresh child process (so
// peak memory is that of one gather, not of the generator) and prints MB/s and peak RSS. The child
// runs an esbuild bundle built like dist/ (what users run), not tsx, whose loader thread would add
// its own compile time and tens of MB to the measurement.
// Targets: 150 MB/s on one core and a peak RSS under 250 MB that does not grow with file size.
//
//   npm run bench                 both sizes
//   npm run bench -- 100          only the 100 MB file
//   tsx scripts/bench.ts --gather <file>   (what the child runs)

const MB = 1024 * 1024;
const run = promisify(execFile);

const HEADER = [
  'timeStamp',
  'elapsed',
  'label',
  'responseCode',
  'responseMessage',
  'threadName',
  'dataType',
  'success',
  'failureMessage',
  'bytes',
  'sentBytes',
  'grpThreads',
  'allThreads',
  'URL',
  'Latency',
  'IdleTime',
  'Connect',
].join(',');

const ENDPOINTS = [
  ['GET /', '/'],
  ['GET /api/products', '/api/products'],
  ['GET /api/products/{id}', '/api/products/1234'],
  ['POST /api/cart', '/api/cart'],
  ['GET /api/cart', '/api/cart'],
  ['POST /api/checkout', '/api/checkout'],
  ['GET /static/app.js', '/static/app.js'],
  ['GET /api/search', '/api/search?q=shoes'],
  ['POST /api/login', '/api/login'],
  ['GET /api/orders', '/api/orders'],
  ['GET /api/recommendations', '/api/recommendations'],
  ['GET /health', '/health'],
] as const;

const FAILURES = [
  ['500', 'Internal Server Error', '"Test failed: code expected to be 200, but found 500, body ""error"""'],
  ['503', 'Service Unavailable', '"upstream connect error, disconnect/reset before headers"'],
  [
    'Non HTTP response code: java.net.SocketTimeoutException',
    'Non HTTP response message: Read timed out',
    '"Read timed out, after 30,000 ms"',
  ],
  [
    'Non HTTP response code: org.apache.http.NoHttpResponseException',
    '"Non HTTP response message: 127.0.0.1:8080 failed to respond, connection closed"',
    '',
  ],
] as const;

/** A linear congruential generator (Numerical Recipes constants): the same file on every run. */
function lcg(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

export async function generate(path: string, targetBytes: number): Promise<number> {
  const random = lcg(42);
  const out = createWriteStream(path);
  let written = 0;
  let timestamp = 1_714_560_000_000;
  const threads = 200;
  const write = async (text: string) => {
    written += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  await write(`${HEADER}\n`);
  while (written < targetBytes) {
    const block: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      timestamp += Math.floor(random() * 3);
      const [label, path] = ENDPOINTS[Math.floor(random() * ENDPOINTS.length)] ?? ENDPOINTS[0];
      // Log-normal-ish latency: most requests fast, a long tail.
      const elapsed = Math.round(20 * Math.exp(random() * random() * 6));
      const latency = Math.max(0, elapsed - Math.floor(random() * 5));
      const connect = random() < 0.1 ? Math.floor(random() * 20) : 0;
      const thread = 1 + Math.floor(random() * threads);
      const failed = random() < 0.02;
      const failure = FAILURES[Math.floor(random() * FAILURES.length)] ?? FAILURES[0];
      const [code, message, failureMessage] = failed ? failure : ['200', 'OK', ''];
      const bytes = failed ? 312 : 800 + Math.floor(random() * 40_000);
      block.push(
        `${timestamp},${elapsed},${label},${code},${message},Thread Group 1-${thread},text,${!failed},${failureMessage},` +
          `${bytes},${200 + Math.floor(random() * 300)},${threads},${threads},http://shop.test:8080${path},` +
          `${latency},0,${connect}\n`,
      );
    }
    await write(block.join(''));
  }
  out.end();
  await once(out, 'finish');
  return written;
}

interface GatherResult {
  seconds: number;
  /** CPU time of the process during the gather (all its threads, GC helpers included). */
  cpuSeconds: number;
  maxRssMb: number;
  requests: number;
  problems: number;
}

/** Runs in the child: one gather, timed from the first byte to the finished data. */
async function gatherOnce(path: string): Promise<GatherResult> {
  const started = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  const data = await loadTestGatherer().gather({ type: 'file', path });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const { user, system } = process.cpuUsage(cpu);
  return {
    seconds,
    cpuSeconds: (user + system) / 1e6,
    // resourceUsage().maxRSS is in kilobytes.
    maxRssMb: process.resourceUsage().maxRSS / 1024,
    requests: data.endpoints.reduce((n, e) => n + e.total.count, 0),
    problems: data.problems.count,
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--gather' && args[1]) {
    process.stdout.write(`${JSON.stringify(await gatherOnce(args[1]))}\n`);
    return;
  }
  const sizes = args.length > 0 ? args.map(Number) : [100, 1024];
  const dir = await mkdtemp(join(tmpdir(), 'faultline-bench-'));
  // Inside the project so the bundle's external packages resolve from node_modules.
  const bundleDir = join(import.meta.dirname, '../node_modules/.cache/faultline-bench');
  await mkdir(bundleDir, { recursive: true });
  const bundle = join(bundleDir, 'bench.mjs');
  await build({
    entryPoints: [import.meta.filename],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  });
  try {
    for (const sizeMb of sizes) {
      const path = join(dir, `jmeter-${sizeMb}mb.jtl`);
      process.stdout.write(`generating ${sizeMb} MB JTL ... `);
      await generate(path, sizeMb * MB);
      const { size } = await stat(path);
      process.stdout.write('reading ... ');
      const { stdout } = await run(process.execPath, [bundle, '--gather', path], { maxBuffer: MB });
      const result = JSON.parse(stdout) as GatherResult;
      const mbPerSecond = size / MB / result.seconds;
      console.log(
        `${(size / MB).toFixed(0)} MB, ${result.requests} requests in ${result.seconds.toFixed(2)} s: ` +
          `${mbPerSecond.toFixed(0)} MB/s (${(size / MB / result.cpuSeconds).toFixed(0)} MB per CPU second), ` +
          `peak RSS ${result.maxRssMb.toFixed(0)} MB` +
          (result.problems > 0 ? `, ${result.problems} unreadable lines` : ''),
      );
      await rm(path, { force: true });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// Run only as a script, so a profiling session can import generate().
if (process.argv[1] === import.meta.filename) await main();
