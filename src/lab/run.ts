import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import autocannon from 'autocannon';
import { loadCatalog } from '../catalog/loader.js';
import { InputError } from '../core/problem.js';
import { analyzeEvidence, serializeBundle } from '../pipeline/analyze.js';
import { renderMarkdown } from '../report/markdown.js';
import { faultById } from './faults.js';
import { LabSession, requireTools } from './infra.js';
import { JTL_CSV_PROPERTIES, labPlan, type PlanRequest, runJMeter } from './jmeter.js';
import { type Stack, startStack } from './stack.js';
import type { LabFault, LabRequest, LoadShape } from './types.js';

/** JMeter's reference to the sequence's id column. */
const ID = '$' + '{id}';

// One lab run: start the stack, drive steady load, inject the fault partway through, keep the load
// on to the end, restore, then gather the evidence the way a user's systems hold it (the load
// tool's result, Prometheus, the service's log and traces) and diagnose it with Faultline's own
// pipeline. The run folder keeps the evidence, the bundle the diagnosis read, and the report.

export interface RunOptions {
  scenario: string;
  durationS: number;
  /** Seconds of healthy load before the fault; the baselines come from them. */
  injectAtS: number;
  out: string;
  seed: number;
  postgres: string;
  rate: number;
  /**
   * Steps the rate climbs in over the measured time, from rate/steps to rate (1: a steady rate). The
   * warm-up runs at the first step. JMeter only: autocannon holds one rate for a run.
   */
  steps?: number;
  /** The load tool: JMeter (per-request results, the default when installed) or autocannon (run totals). */
  load: 'jmeter' | 'autocannon';
  /** Keep the lab's scratch directory (process logs, Prometheus data). */
  keep?: boolean;
  log?: (message: string) => void;
}

export interface RunResult {
  scenario: string;
  out: string;
  top1: string | undefined;
  /** Rank of the injected scenario among matched findings (1-based), undefined when not matched. */
  rank: number | undefined;
  confidence: number | undefined;
  /** Detected onset minus injection time, seconds. */
  onsetErrorS: number | undefined;
  runtimeS: number;
  matched: string[];
}

export const DEFAULT_LOAD: LoadShape = {
  rate: 60,
  mix: { product: 5, search: 2, order: 1, quote: 1, 'order-items': 1 },
  keys: { count: 2000, hotShare: 0.3 },
};

/** A small seeded generator (mulberry32): the same seed gives the same request sequence. */
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

/** The next request of the mix: its kind, weighted, and a product id (a hot one for hotShare of them). */
function pick(shape: LoadShape, rnd: () => number): { kind: LabRequest; id: number } {
  const entries = Object.entries(shape.mix).filter(([, w]) => (w ?? 0) > 0) as [LabRequest, number][];
  const total = entries.reduce((n, [, w]) => n + w, 0);
  let left = rnd() * total;
  let kind: LabRequest = entries[0]?.[0] ?? 'product';
  for (const [k, w] of entries) {
    left -= w;
    if (left <= 0) {
      kind = k;
      break;
    }
  }
  const hot = rnd() < shape.keys.hotShare;
  return {
    kind,
    id: hot ? 1 + Math.floor(rnd() * (shape.keys.hot ?? 10)) : 1 + Math.floor(rnd() * shape.keys.count),
  };
}

function requestOf(shape: LoadShape, rnd: () => number): { method: string; path: string; body?: string } {
  const { kind, id } = pick(shape, rnd);
  switch (kind) {
    case 'product':
      return { method: 'GET', path: `/api/products/${id}` };
    case 'missing-product':
      return { method: 'GET', path: `/api/products/-${id}` };
    case 'search':
      return { method: 'GET', path: `/api/search?category=${id % 500}` };
    case 'order':
      return { method: 'POST', path: '/api/orders', body: JSON.stringify({ productId: id }) };
    case 'order-items':
      return { method: 'GET', path: `/api/orders/${id}/items` };
    case 'quote':
      return { method: 'GET', path: '/api/quote' };
  }
}

/**
 * Load before the measured part, at the run's rate, by the same load tool: a service in production
 * has its code compiled, its pools filled and its cache at the size its TTLs (30–60 s) hold it,
 * and the load tool's own start-up (a JVM loading classes on the same two cores) must not be read
 * as the service's cold start. JMeter's results are trimmed to the measured part.
 */
const WARM_UP_S = 45;

/** Clears every fault switch of the service. */
async function clearService(stack: Stack): Promise<void> {
  const response = await fetch(`${stack.service}/lab/faults`, { method: 'DELETE' });
  if (!response.ok) throw new Error(`the lab service refused to clear its faults: ${await response.text()}`);
}

/** The load of a run: its shape before the injection and from it on, and the steps of its rate. */
interface Load {
  before: LoadShape;
  during: LoadShape;
  injectAtS: number;
  schedule: Schedule;
}

/**
 * When each step of a stepped load starts (seconds from the start of the load, warm-up included)
 * and what it adds: the first runs from the start, warm-up included, each later one joins at its
 * share of the measured time; every step adds rate/steps.
 */
export type Schedule = readonly { startS: number; rate: number }[];

export function stepSchedule(rate: number, steps: number, warmUpS: number, measuredS: number): Schedule {
  const each = rate / steps;
  return Array.from({ length: steps }, (_, k) => ({
    startS: k === 0 ? 0 : warmUpS + Math.round((k * measuredS) / steps),
    rate: each,
  }));
}

/** Requests the schedule sends in its first `seconds`. */
export function requestsBefore(schedule: Schedule, seconds: number): number {
  return schedule.reduce((n, step) => n + step.rate * Math.max(0, seconds - step.startS), 0);
}

export async function runLab(options: RunOptions): Promise<RunResult> {
  const fault = faultById(options.scenario);
  if (!fault) throw new InputError(`no lab fault "${options.scenario}"; faultline lab list shows them`);
  requireTools();
  const steps = options.steps ?? 1;
  if (!Number.isInteger(steps) || steps < 1)
    throw new InputError(`--steps must be a whole number of at least 1, not ${steps}`);
  if (steps > 1 && options.load !== 'jmeter')
    throw new InputError(
      'a stepped load needs JMeter (--load jmeter): autocannon holds one rate for a whole run',
    );
  if (fault.minDurationS && options.durationS < fault.minDurationS)
    options = { ...options, durationS: fault.minDurationS };
  const say = options.log ?? (() => undefined);
  const started = Date.now();
  const session = new LabSession(options.keep);
  try {
    say(`starting the lab stack in ${session.dir}`);
    const stack = await startStack(session, {
      postgres: options.postgres,
      products: 200_000,
      ...(fault.redisShards ? { redisShards: fault.redisShards } : {}),
    });
    return await drive(stack, fault, options, started, say);
  } finally {
    session.close();
  }
}

async function drive(
  stack: Stack,
  fault: LabFault,
  options: RunOptions,
  started: number,
  say: (m: string) => void,
): Promise<RunResult> {
  const shape: LoadShape = {
    ...DEFAULT_LOAD,
    rate: options.rate,
    ...fault.load,
    mix: fault.load?.mix ?? DEFAULT_LOAD.mix,
    keys: { ...DEFAULT_LOAD.keys, ...fault.load?.keys },
  };
  const during: LoadShape = {
    ...shape,
    mix: fault.loadDuring?.mix ?? shape.mix,
    keys: { ...shape.keys, ...fault.loadDuring?.keys },
  };
  if (fault.startsCold || fault.wholeRun) options = { ...options, injectAtS: 0 };
  const switches = typeof fault.service === 'function' ? fault.service(during) : fault.service;
  if (fault.setting) await stack.ctx.switchService(fault.setting);
  if (fault.wholeRun && switches) await stack.ctx.switchService(switches);
  // A cold start is a fresh process meeting its first requests: no warm-up, a restart just before.
  const warmUpS = fault.startsCold ? 0 : WARM_UP_S;
  if (fault.startsCold) await stack.ctx.restartService();
  const steps = options.steps ?? 1;
  const load: Load = {
    before: shape,
    during,
    injectAtS: warmUpS + options.injectAtS,
    schedule: stepSchedule(shape.rate, steps, warmUpS, options.durationS),
  };
  const rnd = random(options.seed);
  mkdirSync(join(options.out, 'load'), { recursive: true });
  say(
    `load: ${options.load}, ${steps > 1 ? `${steps} steps up to ` : ''}${shape.rate} requests/s, ${warmUpS} s of warm-up then ${options.durationS} s measured; ${fault.id} at ${options.injectAtS} s`,
  );
  const total = { ...options, durationS: warmUpS + options.durationS };
  let measureFrom = Date.now() + warmUpS * 1000;
  const loadDone =
    options.load === 'jmeter'
      ? jmeterLoad(stack, load, rnd, total, warmUpS, (first) => {
          measureFrom = first + warmUpS * 1000;
        })
      : autocannonLoad(stack, load, rnd, total);
  const injectTimer = new Promise<number>((resolve, reject) =>
    setTimeout(
      async () => {
        try {
          if (switches && !fault.wholeRun) await stack.ctx.switchService(switches);
          if (!fault.startsCold) await fault.inject?.(stack.ctx);
          say(`injected ${fault.id}: ${fault.injects}${switches ? ` (${JSON.stringify(switches)})` : ''}`);
          resolve(Date.now());
        } catch (error) {
          reject(error);
        }
      },
      (warmUpS + options.injectAtS) * 1000,
    ),
  );
  const loadFile = await loadDone;
  const injectedAt = await injectTimer;
  await fault.restore?.(stack.ctx);
  if (switches || fault.setting) await clearService(stack);
  const loadEnd = Date.now();
  await stack.stopService();

  // The evidence as the user's systems hold it: copies of the log and traces, Prometheus asked
  // about the run's window.
  mkdirSync(join(options.out, 'logs'), { recursive: true });
  mkdirSync(join(options.out, 'traces'), { recursive: true });
  writeFileSync(join(options.out, 'logs', 'service.log'), readFileSync(stack.serviceLog));
  writeFileSync(join(options.out, 'traces', 'traces.json'), readFileSync(stack.tracesFile));
  const catalog = loadCatalog();
  const { bundle, result: diagnosis } = await analyzeEvidence(
    {
      loadTests: [loadFile],
      metrics: [{ prometheus: { url: stack.prometheus }, stepMs: 2000 }],
      logs: [join(options.out, 'logs', 'service.log')],
      traces: [join(options.out, 'traces', 'traces.json')],
      window: { start: measureFrom, end: loadEnd },
    },
    { catalog },
  );
  writeFileSync(join(options.out, 'bundle.json.gz'), gzipSync(serializeBundle(bundle)));
  writeFileSync(join(options.out, 'diagnosis.json'), `${JSON.stringify(diagnosis, null, 2)}\n`);
  writeFileSync(join(options.out, 'report.md'), renderMarkdown(diagnosis));
  const matched = diagnosis.findings.filter((f) => f.status === 'matched');
  const index = matched.findIndex((f) => f.scenarioId === fault.id);
  const hit = index >= 0 ? matched[index] : undefined;
  const onset = hit?.onset ? Date.parse(hit.onset) : undefined;
  const manifest = {
    scenario: fault.id,
    injects: fault.injects,
    ...(switches ? { switches } : {}),
    seed: options.seed,
    load: shape,
    ...(steps > 1 ? { steps: load.schedule } : {}),
    ...(fault.loadDuring ? { loadDuring: during } : {}),
    startedAt: new Date(measureFrom).toISOString(),
    warmUpS,
    injectedAt: new Date(injectedAt).toISOString(),
    endedAt: new Date(loadEnd).toISOString(),
    tools: { load: options.load, metrics: 'prometheus', exporters: ['node', 'redis', 'postgres'] },
  };
  writeFileSync(join(options.out, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return {
    scenario: fault.id,
    out: options.out,
    top1: matched[0]?.scenarioId,
    rank: index >= 0 ? index + 1 : undefined,
    confidence: hit?.confidence,
    onsetErrorS: onset !== undefined ? Math.round((onset - injectedAt) / 1000) : undefined,
    runtimeS: Math.round((Date.now() - started) / 1000),
    matched: matched.map((f) => f.scenarioId),
  };
}

/** autocannon, programmatically, each request drawn from the mix; writes what `autocannon --json` prints. */
async function autocannonLoad(
  stack: Stack,
  load: Load,
  rnd: () => number,
  options: RunOptions,
): Promise<string> {
  const shape = load.before;
  const injectAt = Date.now() + load.injectAtS * 1000;
  const result = await autocannon({
    url: stack.service,
    connections: 20,
    overallRate: shape.rate,
    duration: options.durationS,
    timeout: 10,
    requests: [
      {
        setupRequest: (request: Record<string, unknown>) => {
          const r = requestOf(Date.now() < injectAt ? load.before : load.during, rnd);
          return {
            ...request,
            method: r.method,
            path: r.path,
            ...(r.body ? { body: r.body, headers: { 'content-type': 'application/json' } } : {}),
          };
        },
      },
    ],
  });
  const file = join(options.out, 'load', 'autocannon.json');
  writeFileSync(file, `${JSON.stringify(result)}\n`);
  return file;
}

/** The requests of the mix as JMeter samplers, by the names the sequence file uses. */
const PLAN_REQUESTS: readonly PlanRequest[] = [
  { label: 'product', method: 'GET', path: `/api/products/${ID}` },
  { label: 'missing-product', method: 'GET', path: `/api/products/-${ID}` },
  { label: 'search', method: 'GET', path: `/api/search?category=${ID}` },
  { label: 'order', method: 'POST', path: '/api/orders', body: `{"productId":${ID}}` },
  { label: 'order-items', method: 'GET', path: `/api/orders/${ID}/items` },
  { label: 'quote', method: 'GET', path: '/api/quote' },
];

/** JMeter in non-GUI mode; the request sequence is drawn from the mix in advance, with the seed. */
async function jmeterLoad(
  stack: Stack,
  load: Load,
  rnd: () => number,
  options: RunOptions,
  warmUpS: number,
  onFirstSample: (at: number) => void,
): Promise<string> {
  const dir = join(options.out, 'load');
  const rows: string[] = [];
  // Enough rows that the sequence does not repeat within the run; each step holds its throughput,
  // so the rows sent before the injection are counted from the schedule and the rows from it on
  // follow its shape.
  const switchRow = Math.round(requestsBefore(load.schedule, load.injectAtS));
  const allRows = Math.ceil(requestsBefore(load.schedule, options.durationS) * 1.2);
  for (let i = 0; i < allRows; i++) {
    const { kind, id } = pick(i < switchRow ? load.before : load.during, rnd);
    rows.push(`${kind},${kind === 'search' ? id % 500 : id}`);
  }
  const sequence = join(dir, 'sequence.csv');
  writeFileSync(sequence, `${rows.join('\n')}\n`);
  const plan = join(dir, 'plan.jmx');
  writeFileSync(
    plan,
    labPlan({
      port: Number(new URL(stack.service).port),
      // 20 threads for the whole rate, shared out over the steps: a thread waits 1/rate × threads
      // between requests, so each step keeps about 330 ms per request before it falls behind.
      groups: load.schedule.map((step) => ({
        threads: Math.ceil(20 / load.schedule.length),
        delayS: step.startS,
        durationS: options.durationS - step.startS,
        rate: step.rate,
      })),
      sequenceCsv: sequence,
      requests: PLAN_REQUESTS,
    }),
  );
  const raw = join(dir, 'with-warm-up.jtl');
  await runJMeter(dir, plan, raw, JTL_CSV_PROPERTIES, (options.durationS + 120) * 1000, (child) =>
    stack.own('jmeter', child),
  );
  const out = join(dir, 'results.jtl');
  const first = trimJtl(raw, out, warmUpS * 1000);
  rmSync(raw);
  if (first !== undefined) onFirstSample(first);
  return out;
}

/**
 * Copies the JTL without the samples of its first `skipMs` (the warm-up); returns the first
 * sample's time. A record starts with its 13-digit timeStamp; a line that does not is the rest of
 * a quoted field and goes with the record before it.
 */
function trimJtl(from: string, to: string, skipMs: number): number | undefined {
  const lines = readFileSync(from, 'utf8').split('\n');
  const start = (line: string) => (/^\d{13},/.test(line) ? Number(line.slice(0, 13)) : undefined);
  const first = Math.min(...lines.map(start).filter((t): t is number => t !== undefined));
  if (!Number.isFinite(first)) {
    writeFileSync(to, lines.join('\n'));
    return undefined;
  }
  const kept: string[] = [lines[0] ?? ''];
  let keep = false;
  for (const line of lines.slice(1)) {
    if (line === '') continue;
    const t = start(line);
    if (t !== undefined) keep = t >= first + skipMs;
    if (keep) kept.push(line);
  }
  writeFileSync(to, `${kept.join('\n')}\n`);
  return first;
}
