import type { Problem } from '../core/problem.js';
import type { ReadSeries } from './csv-series.js';
import type { SeriesPoint } from './score-series.js';

// A Prometheus range query saved as JSON (`curl .../api/v1/query_range?...` or a Grafana query
// inspector export): {"status":"success","data":{"resultType":"matrix","result":[{"metric":{...},
// "values":[[<unix seconds>,"<value>"],...]}]}}. Sample values are strings; Prometheus writes
// "NaN", "+Inf" and "-Inf" for non-finite values, which become missing samples here.

export class PrometheusSeriesError extends Error {
  constructor(readonly problems: Problem[]) {
    super('the Prometheus export cannot be read as a time series');
  }
}

export interface PrometheusSeriesOptions {
  /** Which series of the result, from 0. */
  series?: number;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function readPrometheusSeries(
  text: string,
  file: string,
  options: PrometheusSeriesOptions = {},
): ReadSeries {
  const fail = (message: string, field?: string, line?: number): never => {
    throw new PrometheusSeriesError([
      { file, message, ...(field ? { field } : {}), ...(line !== undefined ? { line } : {}) },
    ]);
  };
  let root: Json;
  try {
    root = JSON.parse(text) as Json;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const position = /position (\d+)/.exec(message);
    const line = position ? text.slice(0, Number(position[1])).split('\n').length : undefined;
    return fail(`expected JSON (a Prometheus query_range response): ${message}`, undefined, line);
  }
  if (!isObject(root)) return fail('expected a JSON object with "status" and "data"');
  if (root.status === 'error') {
    return fail(
      `the export is a Prometheus error response: ${String(root.errorType ?? 'error')}: ${String(root.error ?? '')}`,
      'status',
    );
  }
  if (root.status !== 'success') return fail('expected "success"', 'status');
  const data = root.data;
  if (!isObject(data)) return fail('expected an object with "resultType" and "result"', 'data');
  if (data.resultType !== 'matrix') {
    return fail(
      `expected "matrix" (a range query, /api/v1/query_range); found ${JSON.stringify(data.resultType ?? null)}`,
      'data.resultType',
    );
  }
  const result = data.result;
  if (!Array.isArray(result)) return fail('expected an array of series', 'data.result');
  if (result.length === 0) return fail('the query returned no series', 'data.result');
  const index = options.series ?? 0;
  if (!Number.isInteger(index) || index < 0 || index >= result.length) {
    return fail(
      `--series ${index}: expected a series index from 0 to ${result.length - 1}; the series are: ${result
        .map((s, i) => `${i} ${describe(isObject(s) ? s.metric : undefined)}`)
        .join('; ')}`,
      'data.result',
    );
  }
  const series = result[index];
  const base = `data.result[${index}]`;
  if (!isObject(series)) return fail('expected an object with "metric" and "values"', base);
  if (!Array.isArray(series.values)) {
    if (Array.isArray(series.histograms)) {
      return fail(
        'native histogram series are not supported; query a float series, e.g. histogram_quantile(...)',
        `${base}.histograms`,
      );
    }
    return fail('expected an array of [timestamp, "value"] samples', `${base}.values`);
  }
  const points: SeriesPoint[] = [];
  const problems: Problem[] = [];
  let previous = Number.NEGATIVE_INFINITY;
  series.values.forEach((sample, i) => {
    const field = `${base}.values[${i}]`;
    if (
      !Array.isArray(sample) ||
      sample.length !== 2 ||
      typeof sample[0] !== 'number' ||
      typeof sample[1] !== 'string'
    ) {
      problems.push({
        file,
        field,
        message: `expected [unix seconds, "value"], found ${JSON.stringify(sample)}`,
      });
      return;
    }
    const timestamp = Math.round((sample[0] as number) * 1000);
    if (timestamp <= previous) {
      problems.push({ file, field, message: 'expected a time after the previous sample' });
      return;
    }
    previous = timestamp;
    const value = Number(sample[1]);
    if (Number.isNaN(value) && !/^nan$/i.test(sample[1] as string)) {
      problems.push({
        file,
        field,
        message: `expected a number as a string, found ${JSON.stringify(sample[1])}`,
      });
      return;
    }
    points.push({ timestamp, value: Number.isFinite(value) ? value : null });
  });
  if (problems.length) throw new PrometheusSeriesError(problems);
  if (points.length === 0) return fail('the series has no samples', `${base}.values`);
  return { points, name: describe(series.metric) };
}

/** name{label="value",...} as Prometheus prints a series. */
function describe(metric: Json | undefined): string {
  if (!isObject(metric)) return '{}';
  const name = typeof metric.__name__ === 'string' ? metric.__name__ : '';
  const labels = Object.entries(metric)
    .filter(([key]) => key !== '__name__')
    .map(([key, value]) => `${key}=${JSON.stringify(String(value))}`);
  return `${name}{${labels.join(',')}}`;
}
