import { JSONParser } from '@streamparser/json';
import { GatherError } from '../gatherer.js';
import { endpointName } from './endpoint-name.js';
import type { InputFile } from './input.js';
import { describeJson, isObject, type JsonObject, toNumber } from './json-input.js';
import type { LoadTestParser } from './parser.js';
import type { SampleSink } from './sample.js';

// HTTP Archive 1.2 (browser DevTools exports, Playwright recordHar, proxies): log.entries[] with
// one request each. Fields follow the HAR 1.2 spec: startedDateTime (ISO 8601), time (total ms, the
// sum of the timings that apply), timings.{blocked,dns,connect,ssl,send,wait,receive} with -1 for
// "does not apply", response.status 0 for a request that got no response, sizes with -1 for
// unknown. Browsers add _error (Chromium's net::ERR_… text) and _transferSize (bytes on the wire).
//
// The file is streamed entry by entry: HARs embed response bodies (content.text) and reach hundreds
// of MB, so parsing the whole document would hold it all in memory; one entry at a time stays small.
// The record number given as "line" is the 1-based index of the entry in log.entries.

export const harParser: LoadTestParser = {
  format: 'har',
  expects: 'a JSON object {"log": {"version", "creator", "entries": [...]}} (HTTP Archive 1.2)',
  detect(head) {
    const start = head.replace(/^\uFEFF/, '').trimStart();
    return (
      start.startsWith('{') && /"log"\s*:\s*\{/.test(head) && /"(?:creator|entries|pages)"\s*:/.test(head)
    );
  },
  async parse(input: InputFile, sink: SampleSink): Promise<void> {
    await streamHar(input, sink);
  },
};

async function streamHar(input: InputFile, sink: SampleSink): Promise<void> {
  const parser = new JSONParser({
    paths: ['$.log.version', '$.log.creator', '$.log.entries.*'],
    // Emitted entries are dropped from the parser's stack, so memory holds one entry at a time.
    keepStack: false,
  });
  let entries = 0;
  let parseError: Error | undefined;
  parser.onValue = ({ value, key, stack }) => {
    // stack: [root, log] for log.version/creator, [root, log, entries] for an entry.
    if (stack.length === 2 && key === 'version') {
      if (value !== '1.2' && value !== '1.1') sink.note(`HAR version ${String(value)}; read as HAR 1.2`);
      return;
    }
    if (stack.length === 2 && key === 'creator') {
      if (isObject(value) && typeof value.name === 'string') {
        sink.note(
          `HAR recorded by ${value.name}${typeof value.version === 'string' ? ` ${value.version}` : ''}`,
        );
      }
      return;
    }
    entries++;
    readEntry(value, entries, sink);
  };
  parser.onError = (error) => {
    parseError ??= error;
  };
  // Counting lines of the bytes already fed lets a syntax error name its line.
  let offset = 0;
  let line = 1;
  let lastChunk: Buffer | undefined;
  let lastChunkStart = 0;
  let lastChunkLine = 1;
  for await (const chunk of input.chunks()) {
    lastChunk = chunk;
    lastChunkStart = offset;
    lastChunkLine = line;
    parser.write(chunk);
    if (parseError) break;
    offset += chunk.length;
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) line++;
  }
  if (!parseError && !parser.isEnded) parser.end();
  if (parseError) {
    const message = parseError.message;
    const position = /absolute position "(\d+)"/.exec(message)?.[1];
    let where = `${line}`;
    let reason = 'the JSON ends early (truncated file?)';
    if (position !== undefined && lastChunk) {
      const inChunk = Math.max(0, Math.min(Number(position) - lastChunkStart, lastChunk.length));
      let errorLine = lastChunkLine;
      let lineStart = 0;
      for (let i = lastChunk.indexOf(10); i !== -1 && i < inChunk; i = lastChunk.indexOf(10, i + 1)) {
        errorLine++;
        lineStart = i + 1;
      }
      where = `${errorLine}:${inChunk - lineStart + 1}`;
      const token = /Unexpected "(.*?)"/.exec(message)?.[1];
      reason = token !== undefined ? `unexpected "${token}"` : message;
    }
    const read = entries > 0 ? ` (${entries} entries read before it)` : '';
    throw new GatherError('parse-error', `${input.path}:${where}: invalid HAR JSON: ${reason}${read}`);
  }
  if (entries === 0) {
    throw new GatherError(
      'parse-error',
      `${input.path}: not a HAR with requests: expected "log.entries" to be a non-empty array of entries (HAR 1.2)`,
    );
  }
}

function readEntry(value: unknown, index: number, sink: SampleSink): void {
  if (!isObject(value)) {
    sink.problem(index, `entry ${index}: expected an object, got ${describeJson(value)}`);
    return;
  }
  const request = value.request;
  const response = value.response;
  if (!isObject(request) || typeof request.url !== 'string') {
    sink.problem(index, `entry ${index}: expected "request.url", got ${describeJson(request)}`);
    return;
  }
  if (!isObject(response)) {
    sink.problem(index, `entry ${index}: expected "response", got ${describeJson(response)}`);
    return;
  }
  const timestamp =
    typeof value.startedDateTime === 'string' ? Date.parse(value.startedDateTime) : Number.NaN;
  if (!Number.isFinite(timestamp)) {
    sink.problem(
      index,
      `entry ${index}: expected "startedDateTime" as an ISO 8601 date, got ${describeJson(value.startedDateTime)}`,
    );
    return;
  }
  const timings = isObject(value.timings) ? value.timings : {};
  const elapsed = totalTime(value.time, timings);
  if (elapsed === undefined) {
    sink.problem(
      index,
      `entry ${index}: expected "time" in ms or "timings", got ${describeJson(value.time)}`,
    );
    return;
  }
  // The spec and browsers write 0 for "no response"; Playwright writes -1. Both mean the same.
  const status = Math.max(0, toNumber(response.status) ?? 0);
  const success = status >= 100 && status < 400;
  const message = failureMessage(response, status);
  const method = typeof request.method === 'string' ? request.method : 'GET';
  const received = receivedBytes(response);
  const sent = sumKnown(request.headersSize, request.bodySize);
  const wait = known(timings.wait);
  const connect = known(timings.connect);
  sink.sample({
    timestamp,
    elapsed,
    label: endpointName(method, request.url),
    success,
    status: String(status),
    ...(message !== undefined ? { message } : {}),
    ...(received !== undefined ? { receivedBytes: received } : {}),
    ...(sent !== undefined ? { sentBytes: sent } : {}),
    ...(wait !== undefined ? { ttfb: wait } : {}),
    ...(connect !== undefined ? { connect } : {}),
    line: index,
  });
}

/** entry.time, or the sum of the timings that apply when a tool left time out or wrote -1. */
function totalTime(time: unknown, timings: JsonObject): number | undefined {
  const total = toNumber(time);
  if (total !== undefined && total >= 0) return total;
  let sum = 0;
  let any = false;
  // ssl is already inside connect (HAR 1.2), so it is not added again.
  for (const phase of ['blocked', 'dns', 'connect', 'send', 'wait', 'receive']) {
    const t = known(timings[phase]);
    if (t !== undefined) {
      sum += t;
      any = true;
    }
  }
  return any ? sum : undefined;
}

function failureMessage(response: JsonObject, status: number): string | undefined {
  const error = typeof response._error === 'string' && response._error !== '' ? response._error : undefined;
  if (error) return error;
  if (status === 0) return 'no response (request failed or was blocked)';
  if (status >= 400 && typeof response.statusText === 'string' && response.statusText !== '') {
    return response.statusText;
  }
  return undefined;
}

/** Bytes received: Chromium's _transferSize (on the wire), else headers + body, else content size. */
function receivedBytes(response: JsonObject): number | undefined {
  const transfer = known(response._transferSize);
  if (transfer !== undefined) return transfer;
  const wire = sumKnown(response.headersSize, response.bodySize);
  if (wire !== undefined) return wire;
  return isObject(response.content) ? known(response.content.size) : undefined;
}

function sumKnown(a: unknown, b: unknown): number | undefined {
  const x = known(a);
  const y = known(b);
  return x === undefined && y === undefined ? undefined : (x ?? 0) + (y ?? 0);
}

/** HAR writes -1 for "not applicable" or "unknown". */
function known(value: unknown): number | undefined {
  const n = toNumber(value);
  return n !== undefined && n >= 0 ? n : undefined;
}
