import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import { InputError, type Problem } from '../core/problem.js';
import type { HttpConnection } from '../gather/http/client.js';
import { METRIC_ROLE_NAMES } from '../gather/metrics/data.js';
import type { EvidenceInputs, LokiInput, PrometheusInput, TempoInput } from './evidence.js';

// The run configuration file (`--config faultline.yaml`): which evidence to read, how to reach
// the servers and which window to ask them about. Credentials are written as ${ENV_VAR} so the
// file can be committed; they are expanded here and never printed.

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/;
const UNIT_MS = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

/** "30s", "5m", "1.5h", "500ms", "2d" in milliseconds; undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  const match = DURATION.exec(text.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS];
}

/**
 * A point in time for --from/--to: ISO 8601 (a zone is required, so a window never depends on the
 * machine's time zone), epoch seconds, "now", or "now-30m" / "-30m" relative to now.
 */
export function parseInstant(text: string, now: number): number | undefined {
  const value = text.trim();
  if (value === 'now') return now;
  const relative = /^(?:now)?-(.+)$/.exec(value);
  if (relative) {
    const ms = parseDuration(relative[1] as string);
    return ms === undefined ? undefined : now - ms;
  }
  if (/^\d{9,11}(\.\d+)?$/.test(value)) return Math.round(Number(value) * 1000);
  if (!/[zZ]|[+-]\d\d:?\d\d$/.test(value)) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

const duration = z.string().refine((v) => parseDuration(v) !== undefined, {
  message: 'expected a duration such as 30s, 5m or 1h',
});

const ConnectionShape = {
  url: z.string().regex(/^https?:\/\//, 'expected an http:// or https:// URL'),
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the ${VAR} syntax of the configuration file
  bearerToken: z.string().min(1).optional().describe('Write it as ${ENV_VAR}'),
  bearerTokenFile: z.string().min(1).optional(),
  username: z.string().min(1).optional(),
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the ${VAR} syntax of the configuration file
  password: z.string().optional().describe('Write it as ${ENV_VAR}'),
  headers: z.record(z.string(), z.string()).optional(),
  tls: z
    .strictObject({
      caFile: z.string().optional(),
      certFile: z.string().optional(),
      keyFile: z.string().optional(),
      insecureSkipVerify: z.boolean().optional(),
    })
    .optional(),
  timeout: duration.optional(),
  retries: z.int().min(0).max(10).optional(),
  maxResponseBytes: z.int().positive().optional(),
};

const QuerySchema = z.strictObject({
  id: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]*$/, 'expected an id of lower-case letters, digits, ".", "_" or "-"'),
  role: z.enum(METRIC_ROLE_NAMES),
  promql: z.string().min(1),
  subjectLabels: z.array(z.string().min(1)).default([]),
});
export type ConfiguredQuery = z.infer<typeof QuerySchema>;

const oneOrMany = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (Array.isArray(v) ? v : v === undefined ? undefined : [v]), z.array(schema).optional());

export const RunConfigSchema = z
  .strictObject({
    window: z
      .strictObject({ from: z.string().optional(), to: z.string().optional(), since: duration.optional() })
      .optional(),
    loadTests: z.array(z.string().min(1)).optional(),
    metrics: z.array(z.string().min(1)).optional().describe('Metric files'),
    logs: z.array(z.string().min(1)).optional().describe('Log files'),
    traces: z.array(z.string().min(1)).optional().describe('Trace files'),
    kubernetes: z
      .array(z.string().min(1))
      .optional()
      .describe('Kubernetes object and event dumps (kubectl get -o json)'),
    prometheus: oneOrMany(
      z.strictObject({
        ...ConnectionShape,
        step: duration.optional(),
        queries: z.array(QuerySchema).optional(),
        replaceDefaults: z.boolean().optional().describe('Use only the configured queries'),
      }),
    ),
    loki: oneOrMany(
      z.strictObject({
        ...ConnectionShape,
        query: z.string().min(1).describe('LogQL, e.g. {namespace="shop"}'),
        limit: z.int().positive().optional(),
      }),
    ),
    tempo: oneOrMany(
      z.strictObject({
        ...ConnectionShape,
        traceql: z.string().min(1).optional(),
        traceIds: z.array(z.string().min(1)).optional(),
        limit: z.int().positive().optional(),
      }),
    ),
  })
  .meta({ title: 'Faultline run configuration' });
export type RunConfig = z.infer<typeof RunConfigSchema>;

export interface ResolvedConfig {
  inputs: EvidenceInputs;
  window?: { from?: string; to?: string; since?: string };
}

/** Reads and checks a configuration file; errors name the key and what was expected. */
export function readRunConfig(path: string, env: NodeJS.ProcessEnv = process.env): ResolvedConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as { code?: string }).code;
    throw new InputError(`${path}: ${code === 'ENOENT' ? 'no such file' : 'cannot be read'}`);
  }
  const document = parseDocument(text, { prettyErrors: false });
  if (document.errors.length > 0) {
    const first = document.errors[0];
    const line =
      first?.linePos?.[0]?.line ?? (first ? text.slice(0, first.pos[0]).split('\n').length : undefined);
    throw new InputError(
      `${path}${line ? `:${line}` : ''}: not valid YAML (${first?.message.split('\n')[0]})`,
    );
  }
  const parsed = RunConfigSchema.safeParse(document.toJS() ?? {});
  if (!parsed.success) {
    const problems: Problem[] = parsed.error.issues.slice(0, 10).map((issue) => ({
      file: path,
      field: issue.path.map(String).join('.'),
      message: issue.message,
    }));
    throw new InputError(`${path}: not a valid Faultline configuration`, problems);
  }
  return resolve(parsed.data, dirname(path), path, env);
}

function resolve(config: RunConfig, base: string, file: string, env: NodeJS.ProcessEnv): ResolvedConfig {
  const at = (p: string) => (isAbsolute(p) ? p : join(base, p));
  const expand = (value: string | undefined, key: string): string | undefined => {
    if (value === undefined) return undefined;
    return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => {
      const found = env[name];
      if (found === undefined || found === '') {
        throw new InputError(`${file}: ${key} refers to the environment variable ${name}, which is not set`);
      }
      return found;
    });
  };
  const connection = (c: z.infer<z.ZodObject<typeof ConnectionShape>>, key: string): HttpConnection => {
    const token = c.bearerTokenFile
      ? readSecretFile(at(c.bearerTokenFile), `${key}.bearerTokenFile`, file)
      : expand(c.bearerToken, `${key}.bearerToken`);
    const headers = c.headers
      ? Object.fromEntries(
          Object.entries(c.headers).map(([k, v]) => [k, expand(v, `${key}.headers.${k}`) as string]),
        )
      : undefined;
    const timeoutMs = c.timeout ? parseDuration(c.timeout) : undefined;
    return {
      url: expand(c.url, `${key}.url`) as string,
      ...(token ? { bearerToken: token } : {}),
      ...(c.username
        ? {
            basicAuth: {
              username: expand(c.username, `${key}.username`) as string,
              password: expand(c.password, `${key}.password`) ?? '',
            },
          }
        : {}),
      ...(headers ? { headers } : {}),
      ...(c.tls
        ? {
            tls: {
              ...(c.tls.caFile ? { caFile: at(c.tls.caFile) } : {}),
              ...(c.tls.certFile ? { certFile: at(c.tls.certFile) } : {}),
              ...(c.tls.keyFile ? { keyFile: at(c.tls.keyFile) } : {}),
              ...(c.tls.insecureSkipVerify !== undefined
                ? { insecureSkipVerify: c.tls.insecureSkipVerify }
                : {}),
            },
          }
        : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      ...(c.retries !== undefined ? { retries: c.retries } : {}),
      ...(c.maxResponseBytes !== undefined ? { maxResponseBytes: c.maxResponseBytes } : {}),
    };
  };
  const prometheus: PrometheusInput[] = (config.prometheus ?? []).map((p, i) => {
    const stepMs = p.step ? parseDuration(p.step) : undefined;
    return {
      prometheus: connection(p, `prometheus[${i}]`),
      ...(p.queries ? { queries: p.queries } : {}),
      ...(p.replaceDefaults ? { replaceDefaults: true } : {}),
      ...(stepMs ? { stepMs } : {}),
    };
  });
  const loki: LokiInput[] = (config.loki ?? []).map((l, i) => ({
    loki: connection(l, `loki[${i}]`),
    query: l.query,
    ...(l.limit ? { limit: l.limit } : {}),
  }));
  const tempo: TempoInput[] = (config.tempo ?? []).map((t, i) => ({
    tempo: connection(t, `tempo[${i}]`),
    ...(t.traceql ? { traceql: t.traceql } : {}),
    ...(t.traceIds ? { traceIds: t.traceIds } : {}),
    ...(t.limit ? { limit: t.limit } : {}),
  }));
  return {
    inputs: {
      loadTests: (config.loadTests ?? []).map(at),
      metrics: [...(config.metrics ?? []).map(at), ...prometheus],
      logs: [...(config.logs ?? []).map(at), ...loki],
      traces: [...(config.traces ?? []).map(at), ...tempo],
      kubernetes: (config.kubernetes ?? []).map(at),
    },
    ...(config.window ? { window: config.window } : {}),
  };
}

function readSecretFile(path: string, key: string, file: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    throw new InputError(`${file}: ${key} names a file that cannot be read`);
  }
}

/** The window of a run from --from/--to/--since (or the config's window), in epoch ms. */
export function resolveWindow(
  spec: { from?: string | undefined; to?: string | undefined; since?: string | undefined },
  now: number,
): { start: number; end: number } | undefined {
  if (!spec.from && !spec.to && !spec.since) return undefined;
  if (spec.since && spec.from) throw new InputError('give either --since or --from, not both');
  const end = spec.to ? parseInstant(spec.to, now) : now;
  if (end === undefined) throw new InputError(`--to ${spec.to}: ${INSTANT_HELP}`);
  let start: number | undefined;
  if (spec.since) {
    const ms = parseDuration(spec.since);
    if (ms === undefined)
      throw new InputError(`--since ${spec.since}: expected a duration such as 30m or 2h`);
    start = end - ms;
  } else if (spec.from) {
    start = parseInstant(spec.from, now);
    if (start === undefined) throw new InputError(`--from ${spec.from}: ${INSTANT_HELP}`);
  } else {
    // Only an end: the hour before it, as Grafana and promtool default to.
    start = end - 3_600_000;
  }
  if (start >= end) throw new InputError('the window must start before it ends');
  return { start, end };
}

const INSTANT_HELP =
  'expected an ISO 8601 time with a zone (2026-11-22T14:02:00Z), epoch seconds, now, or now-30m';
