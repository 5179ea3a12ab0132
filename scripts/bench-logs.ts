import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { minePatterns } from '../src/logs/patterns.js';
import { readLogLines } from '../src/logs/read-lines.js';
import { RecordSplitter } from '../src/logs/records.js';
import { TemplateMiner } from '../src/logs/template-miner.js';

// Throughput benchmark of log template mining: generates about 1M lines of a realistic mix
// (Spring Boot with HikariCP timeouts and stack traces, nginx access and error logs, Go JSON
// lines, Python tracebacks, logfmt, syslog), deterministic for a seed, and measures in a fresh
// child process (so peak memory is that of one run, not of the generator):
// - pipeline: read, split records, strip prefixes, mask and mine, as `logs patterns --format table`;
// - miner: TemplateMiner.add alone on the records' messages, already in memory.
// The child runs an esbuild bundle like dist/, not tsx, whose loader would add its own time and
// memory. Target: 300,000 lines/s on one core.
//
//   npm run bench:logs              1,000,000 lines
//   npm run bench:logs -- 200000    another line count

const run = promisify(execFile);
const MB = 1024 * 1024;

/** A small deterministic generator (mulberry32), so every run mines the same file. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PATHS = ['/api/orders', '/api/orders/{id}', '/api/cart', '/api/search', '/healthz', '/static/app.js'];
const METHODS = ['GET', 'GET', 'GET', 'POST', 'PUT', 'DELETE'];
const STATUSES = [200, 200, 200, 200, 201, 204, 301, 404, 500, 502, 504];
const USERS = ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'];

/** Yields the lines of one log statement (several for a stack trace). */
function statement(next: () => number, i: number): string[] {
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const second = 1710235200 + Math.floor(i / 50);
  const iso = new Date(second * 1000).toISOString().replace('Z', `${String(int(1000)).padStart(3, '0')}Z`);
  const spring = `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
  const thread = `nio-8080-exec-${1 + int(200)}`;
  const ip = `10.${int(256)}.${int(256)}.${int(256)}`;
  const kind = int(100);
  if (kind < 30) {
    const path = pick(PATHS).replace('{id}', String(int(100000)));
    const size = int(20000);
    return [
      `${ip} - - [12/Mar/2024:09:${String(int(60)).padStart(2, '0')}:${String(int(60)).padStart(2, '0')} +0000] "${pick(METHODS)} ${path} HTTP/1.1" ${pick(STATUSES)} ${size} "-" "Mozilla/5.0 (X11; Linux x86_64)"`,
    ];
  }
  if (kind < 50) {
    return [
      `${spring}  INFO 48213 --- [${thread}] c.e.orders.web.OrderController           : Order ${int(1e6)} created for customer ${int(1e5)} in ${int(900)}ms`,
    ];
  }
  if (kind < 55) {
    const lines = [
      `${spring}  WARN 48213 --- [${thread}] com.zaxxer.hikari.pool.HikariPool        : HikariPool-1 - Connection is not available, request timed out after ${30000 + int(5)}ms.`,
    ];
    if (kind === 50) {
      lines.push(
        'java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.',
        '\tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)',
        '\tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:197)',
        '\tat com.example.orders.repo.OrderRepository.save(OrderRepository.java:58)',
        '\t... 48 common frames omitted',
      );
    }
    return lines;
  }
  if (kind < 75) {
    return [
      JSON.stringify({
        time: iso,
        level: pick(['INFO', 'INFO', 'INFO', 'WARN', 'ERROR']),
        msg: pick([
          `request served path=/v1/stock/${int(1e5)} status=200`,
          `redis call slow: GET stock:${int(1e5)} took ${(next() * 3).toFixed(2)}s`,
          `dial tcp ${ip}:6379: connect: connection refused`,
          `job ${uuid(next)} failed: context deadline exceeded`,
        ]),
        trace_id: hex(next, 32),
      }),
    ];
  }
  if (kind < 85) {
    return [
      `time="${iso}" level=${pick(['info', 'warning', 'error'])} msg="${pick([
        `user ${pick(USERS)} logged in from ${ip}`,
        `cache miss ratio high: ${next().toFixed(2)}`,
        `uploaded /data/uploads/${int(1e6)}.bin (${int(5000)}KB)`,
      ])}" shard=${int(16)}`,
    ];
  }
  if (kind < 93) {
    const lines = [
      `${spring.replace('.', ',')} - billing.worker - ERROR - Failed to charge invoice ${int(1e6)}`,
    ];
    if (kind < 87) {
      lines.push(
        'Traceback (most recent call last):',
        '  File "/srv/billing/worker.py", line 84, in charge',
        '    response = client.post(url, json=payload, timeout=5)',
        "requests.exceptions.ReadTimeout: HTTPSConnectionPool(host='payments.example.com', port=443): Read timed out.",
      );
    }
    return lines;
  }
  if (kind < 97) {
    return [
      `<34>Mar 12 09:22:${String(int(60)).padStart(2, '0')} web-${int(9)} sshd[${int(30000)}]: Failed password for invalid user ${pick(USERS)} from ${ip} port ${int(65536)} ssh2`,
    ];
  }
  return [
    `2024/03/12 09:22:${String(int(60)).padStart(2, '0')} [error] 31#31: *${int(1e5)} upstream timed out (110: Connection timed out) while reading response header from upstream, client: ${ip}, server: shop.example.com, request: "GET /api/orders HTTP/1.1", upstream: "http://${ip}:8080/api/orders", host: "shop.example.com"`,
  ];
}

function hex(next: () => number, length: number): string {
  let s = '';
  for (let i = 0; i < length; i++) s += Math.floor(next() * 16).toString(16);
  return s;
}

function uuid(next: () => number): string {
  const h = hex(next, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20)}`;
}

export async function generate(path: string, lines: number, seed = 42): Promise<void> {
  const next = random(seed);
  const out = createWriteStream(path);
  let written = 0;
  let buffer = '';
  for (let i = 0; written < lines; i++) {
    for (const line of statement(next, i)) {
      if (written === lines) break;
      buffer += `${line}\n`;
      written++;
    }
    if (buffer.length > MB) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
}

interface BenchResult {
  lines: number;
  records: number;
  templates: number;
  pipelineSeconds: number;
  minerSeconds: number;
  minerMessages: number;
  maxRssMb: number;
}

/** Runs in the child. */
async function measure(path: string): Promise<BenchResult> {
  const started = process.hrtime.bigint();
  const patterns = await minePatterns(path, { keepLines: false });
  const pipelineSeconds = Number(process.hrtime.bigint() - started) / 1e9;
  // Peak memory of the pipeline alone, before the messages below are held in memory.
  const maxRssMb = process.resourceUsage().maxRSS / 1024;
  const messages: string[] = [];
  const splitter = new RecordSplitter();
  await readLogLines(path, {
    line(text) {
      const kind = splitter.next(text);
      if (kind.kind === 'start') messages.push(kind.record.message);
    },
    truncated() {},
  });
  const miner = new TemplateMiner();
  const minerStart = process.hrtime.bigint();
  for (const message of messages) miner.add(message);
  const minerSeconds = Number(process.hrtime.bigint() - minerStart) / 1e9;
  return {
    lines: patterns.lineCount,
    records: patterns.recordCount,
    templates: patterns.templates.length,
    pipelineSeconds,
    minerSeconds,
    minerMessages: messages.length,
    maxRssMb,
  };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args[0] === '--measure' && args[1]) {
    process.stdout.write(`${JSON.stringify(await measure(args[1]))}\n`);
    return;
  }
  const lines = args[0] ? Number(args[0]) : 1_000_000;
  const dir = await mkdtemp(join(tmpdir(), 'faultline-bench-logs-'));
  const bundleDir = join(import.meta.dirname, '../node_modules/.cache/faultline-bench');
  await mkdir(bundleDir, { recursive: true });
  const bundle = join(bundleDir, 'bench-logs.mjs');
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
    const path = join(dir, 'mixed.log');
    process.stdout.write(`generating ${lines} lines ... `);
    await generate(path, lines);
    const { size } = await stat(path);
    process.stdout.write(`${(size / MB).toFixed(0)} MB, mining ...\n`);
    const { stdout } = await run(process.execPath, [bundle, '--measure', path], { maxBuffer: MB });
    const r = JSON.parse(stdout) as BenchResult;
    const rate = (n: number, s: number) => Math.round(n / s).toLocaleString('en-US');
    console.log(
      `pipeline: ${r.lines} lines (${r.records} records, ${r.templates} templates) in ${r.pipelineSeconds.toFixed(2)} s: ` +
        `${rate(r.lines, r.pipelineSeconds)} lines/s, peak RSS ${r.maxRssMb.toFixed(0)} MB`,
    );
    console.log(
      `miner:    ${r.minerMessages} messages in ${r.minerSeconds.toFixed(2)} s: ${rate(r.minerMessages, r.minerSeconds)} messages/s`,
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] === import.meta.filename) await main();
