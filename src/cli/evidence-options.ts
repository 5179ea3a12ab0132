import type { Command } from 'commander';
import { InputError } from '../core/problem.js';
import type { HttpConnection } from '../gather/http/client.js';
import { readRunConfig, resolveWindow } from '../pipeline/config.js';
import { type EvidenceInputs, inputsOfPath } from '../pipeline/evidence.js';

// The evidence options of `faultline analyze`: load-test files and folders as arguments, metrics,
// logs and traces from files or servers as options, a window, and a configuration file. Tokens
// come from the environment or the configuration file, never from the command line, where every
// other user of the machine could read them in the process list.

export interface EvidenceFlags {
  prometheus: string[];
  loki: string[];
  lokiQuery?: string;
  logs: string[];
  traces: string[];
  traceql?: string;
  from?: string;
  to?: string;
  since?: string;
  config?: string;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function addEvidenceOptions(command: Command): Command {
  return command
    .option(
      '--prometheus <url|file>',
      'a Prometheus-compatible server (token in FAULTLINE_PROMETHEUS_TOKEN) or a metrics file: query_range JSON, OpenMetrics text, CSV (repeatable)',
      collect,
      [] as string[],
    )
    .option(
      '--loki <url|file>',
      'a Loki server (token in FAULTLINE_LOKI_TOKEN; needs --loki-query) or an exported Loki JSON response (repeatable)',
      collect,
      [] as string[],
    )
    .option('--loki-query <logql>', 'the LogQL query sent to --loki servers, e.g. {namespace="shop"}')
    .option(
      '--logs <file>',
      'a log file: JSON lines, logfmt or plain text with timestamps; .gz is fine (repeatable)',
      collect,
      [] as string[],
    )
    .option(
      '--traces <file|url>',
      'a trace file (OTLP JSON, Jaeger, Zipkin v2) or a Tempo server (token in FAULTLINE_TEMPO_TOKEN) (repeatable)',
      collect,
      [] as string[],
    )
    .option('--traceql <query>', 'the TraceQL search sent to --traces servers')
    .option('--from <time>', 'window start: ISO 8601 with a zone, epoch seconds, or now-30m')
    .option('--to <time>', 'window end (default now)')
    .option('--since <duration>', 'window: the last 30m, 2h, ... before --to')
    .option(
      '--config <file>',
      // biome-ignore lint/suspicious/noTemplateCurlyInString: the ${VAR} syntax of the configuration file
      'a YAML file naming evidence, servers (credentials as ${ENV_VAR}) and the window',
    );
}

const isUrl = (value: string) => /^https?:\/\//i.test(value);

/** The inputs of a run from the arguments, options, configuration file and environment. */
export function evidenceInputs(
  files: readonly string[],
  flags: EvidenceFlags,
  env: NodeJS.ProcessEnv,
  now: number,
): EvidenceInputs {
  const config = flags.config ? readRunConfig(flags.config, env) : undefined;
  const inputs = {
    loadTests: [...(config?.inputs.loadTests ?? [])],
    metrics: [...(config?.inputs.metrics ?? [])],
    logs: [...(config?.inputs.logs ?? [])],
    traces: [...(config?.inputs.traces ?? [])],
    kubernetes: [...(config?.inputs.kubernetes ?? [])],
  };
  for (const file of files) {
    // A file's kind comes from its name (metrics*, *.log, *.traces.*...), a folder's files each
    // by theirs; anything else is a load-test result, recognized from its content.
    const found = inputsOfPath(file);
    inputs.loadTests.push(...(found.loadTests ?? []));
    inputs.metrics.push(...(found.metrics ?? []));
    inputs.logs.push(...(found.logs ?? []));
    inputs.traces.push(...(found.traces ?? []));
    inputs.kubernetes.push(...(found.kubernetes ?? []));
  }
  for (const value of flags.prometheus) {
    inputs.metrics.push(
      isUrl(value) ? { prometheus: connection(value, env.FAULTLINE_PROMETHEUS_TOKEN) } : value,
    );
  }
  for (const value of flags.loki) {
    if (!isUrl(value)) {
      inputs.logs.push(value);
      continue;
    }
    if (!flags.lokiQuery)
      throw new InputError(`--loki ${redact(value)} needs --loki-query, e.g. '{namespace="shop"}'`);
    inputs.logs.push({ loki: connection(value, env.FAULTLINE_LOKI_TOKEN), query: flags.lokiQuery });
  }
  inputs.logs.push(...flags.logs);
  for (const value of flags.traces) {
    inputs.traces.push(
      isUrl(value)
        ? {
            tempo: connection(value, env.FAULTLINE_TEMPO_TOKEN),
            ...(flags.traceql ? { traceql: flags.traceql } : {}),
          }
        : value,
    );
  }
  const window = resolveWindow(
    {
      from: flags.from ?? config?.window?.from,
      to: flags.to ?? config?.window?.to,
      since: flags.since ?? (flags.from ? undefined : config?.window?.since),
    },
    now,
  );
  const total =
    inputs.loadTests.length +
    inputs.metrics.length +
    inputs.logs.length +
    inputs.traces.length +
    inputs.kubernetes.length;
  if (total === 0) {
    throw new InputError(
      'no evidence given: name load-test result files or kubectl dumps (*.k8s.json), or --prometheus, --loki, --logs, --traces, or --config',
    );
  }
  return { ...inputs, ...(window ? { window } : {}) };
}

/** A server URL; user:password in it becomes basic auth and is removed from the URL that is shown. */
function connection(value: string, token: string | undefined): HttpConnection {
  const url = new URL(value);
  const basicAuth = url.username
    ? { username: decodeURIComponent(url.username), password: decodeURIComponent(url.password) }
    : undefined;
  url.username = '';
  url.password = '';
  return {
    url: url.toString().replace(/\/$/, ''),
    ...(basicAuth ? { basicAuth } : {}),
    ...(token ? { bearerToken: token } : {}),
  };
}

function redact(value: string): string {
  try {
    const url = new URL(value);
    url.username = '';
    url.password = '';
    return url.toString();
  } catch {
    return value;
  }
}
