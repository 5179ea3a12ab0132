import { GatherError } from '../gatherer.js';
import { parseFailure, type RawSeriesSet, sampleValue } from './raw-series.js';

// A Prometheus `query_range` or `query` response, as saved from the API or a Grafana query
// inspector: {"status":"success","data":{"resultType":"matrix"|"vector"|"scalar","result":...}}.
// Also accepted: the bare `data` object, and a JSON array of responses (several queries saved
// together). Times are Unix seconds with fractions; values are strings.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const isObject = (v: Json | undefined): v is { [key: string]: Json } =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** True when the parsed JSON looks like a Prometheus response (for format detection). */
export function isQueryResponse(root: unknown): boolean {
  const json = root as Json;
  const one = Array.isArray(json) ? json[0] : json;
  if (!isObject(one)) return false;
  if (one.status === 'error' && typeof one.errorType === 'string') return true;
  const data = isObject(one.data) ? one.data : one;
  return typeof data.resultType === 'string' && 'result' in data;
}

/**
 * Adds the series of one or more responses to `into`; `name` labels a series whose metric has no
 * __name__ (the result of an expression) with where it came from.
 */
export function readQueryResponse(root: unknown, file: string, into: RawSeriesSet): void {
  const responses = Array.isArray(root) ? (root as Json[]) : [root as Json];
  responses.forEach((response, index) => {
    const where = responses.length > 1 ? `[${index}]` : '';
    if (!isObject(response))
      throw parseFailure(file, undefined, `${where || 'the file'}: expected a JSON object`);
    if (response.status === 'error') {
      throw parseFailure(
        file,
        undefined,
        `${where}a saved Prometheus error response (${String(response.errorType ?? 'error')}: ${String(response.error ?? '')}), not data`,
      );
    }
    const data = isObject(response.data) ? response.data : response;
    const type = data.resultType;
    const result = data.result;
    if (type === 'matrix' && Array.isArray(result)) {
      result.forEach((series, i) => {
        if (!isObject(series) || !isObject(series.metric) || !Array.isArray(series.values)) {
          throw parseFailure(
            file,
            undefined,
            `${where}data.result[${i}]: expected {"metric": {...}, "values": [[time, "value"], ...]}`,
          );
        }
        const { metric, labels } = identity(series.metric, file);
        for (const [j, pair] of series.values.entries()) {
          add(into, metric, labels, pair, file, `${where}data.result[${i}].values[${j}]`);
        }
      });
    } else if (type === 'vector' && Array.isArray(result)) {
      result.forEach((series, i) => {
        if (!isObject(series) || !isObject(series.metric) || !Array.isArray(series.value)) {
          throw parseFailure(
            file,
            undefined,
            `${where}data.result[${i}]: expected {"metric": {...}, "value": [time, "value"]}`,
          );
        }
        const { metric, labels } = identity(series.metric, file);
        add(into, metric, labels, series.value, file, `${where}data.result[${i}].value`);
      });
    } else if (type === 'scalar' && Array.isArray(result)) {
      add(into, 'scalar', {}, result, file, `${where}data.result`);
    } else {
      throw parseFailure(
        file,
        undefined,
        `${where}data: expected resultType "matrix", "vector" or "scalar" with a result array; found ${JSON.stringify(type ?? null)}`,
      );
    }
  });
}

function identity(
  metric: { [key: string]: Json },
  file: string,
): { metric: string; labels: Record<string, string> } {
  const labels: Record<string, string> = {};
  let name = '';
  for (const [k, v] of Object.entries(metric)) {
    if (k === '__name__') name = String(v);
    else labels[k] = String(v);
  }
  // An expression's result has no metric name; it is named after the file it was saved in.
  return { metric: name || file.replace(/^.*[\\/]/, '').replace(/\.(json|gz)+$/g, ''), labels };
}

function add(
  into: RawSeriesSet,
  metric: string,
  labels: Record<string, string>,
  pair: Json,
  file: string,
  path: string,
): void {
  if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'number') {
    throw parseFailure(file, undefined, `${path}: expected [unix seconds, "value"]`);
  }
  const value = sampleValue(String(pair[1]));
  if (value === undefined)
    throw parseFailure(file, undefined, `${path}: "${String(pair[1])}" is not a number`);
  into.add(metric, labels, Math.round(pair[0] * 1000), value);
}

/** One series of a range query answer: its labels (with __name__ if any) and samples. */
export interface MatrixSeries {
  labels: Record<string, string>;
  timestamps: number[];
  values: Array<number | null>;
}

/**
 * A query_range answer from a server: its series, and the warnings (and, from Prometheus 3,
 * infos) it sent with a partial or approximate result.
 */
export function readMatrixAnswer(
  answer: unknown,
  where: string,
): { result: MatrixSeries[]; warnings: string[] } {
  const r = answer as Json;
  const data = isObject(r) && isObject(r.data) ? r.data : undefined;
  if (
    !isObject(r) ||
    r.status !== 'success' ||
    data?.resultType !== 'matrix' ||
    !Array.isArray(data.result)
  ) {
    throw new GatherError(
      'parse-error',
      `${where}: expected {"status":"success","data":{"resultType":"matrix","result":[...]}}`,
    );
  }
  const result = data.result.filter(isObject).map((s): MatrixSeries => {
    const labels: Record<string, string> = {};
    if (isObject(s.metric)) for (const [k, v] of Object.entries(s.metric)) labels[k] = String(v);
    const timestamps: number[] = [];
    const values: Array<number | null> = [];
    for (const pair of Array.isArray(s.values) ? s.values : []) {
      if (!Array.isArray(pair) || typeof pair[0] !== 'number') continue;
      timestamps.push(Math.round(pair[0] * 1000));
      values.push(sampleValue(String(pair[1])) ?? null);
    }
    return { labels, timestamps, values };
  });
  const notices = [
    ...(Array.isArray(r.warnings) ? r.warnings : []),
    ...(Array.isArray(r.infos) ? r.infos : []),
  ];
  return { result, warnings: notices.map(String) };
}
