import { basename } from 'node:path';
import { GatherError } from '../gatherer.js';
import { forEachLine, type InputFile, tooLongLine } from './input.js';
import type { LoadTestParser } from './parser.js';
import type { LoadSample, SampleSink } from './sample.js';

// Gatling simulation.log, the tab-separated text written by Gatling 3.0 to 3.11 (and 2.x), as
// io.gatling.core.stats.writer.LogFileDataWriter serializes it. Records by release:
//   ASSERTION  base64                                  (before RUN, 3.x)
//   RUN        class  simulationId  start  description  version              (3.x)
//   RUN        class  ""  simulationId  start  description  version          (2.x)
//   USER       scenario  START|END  timestamp                                (3.4 and later)
//   USER       scenario  userId  START|END  userStart  timestampOrEnd        (2.x, 3.0-3.3)
//   REQUEST    groups  name  start  end  OK|KO  message                      (3.4 and later)
//   REQUEST    userId  groups  name  start  end  OK|KO  message              (3.0-3.3)
//   REQUEST    scenario  userId  groups  name  start  end  OK|KO  message    (2.x)
//   GROUP      [userId]  groups  start  end  cumulatedResponseTime  OK|KO
//   ERROR      message  timestamp                                           (errors outside requests)
// Groups are comma-separated; an absent message is a single space. Gatling replaces tabs and
// newlines in messages by spaces, so the field count tells the layout apart. From 3.12.1 Gatling
// writes a binary simulation.log instead (first byte 0 = the RUN record, then the length-prefixed
// version string); that one is recognized and refused with advice.

export const gatlingLogParser: LoadTestParser = {
  format: 'gatling-log',
  expects: 'Gatling simulation.log, tab-separated text starting with a RUN (or ASSERTION) record',
  detect(head: string, path: string): boolean {
    return /^\uFEFF?(?:RUN|ASSERTION)\t/.test(head) || isBinaryGatlingLog(head, path);
  },
  async parse(input: InputFile, sink: SampleSink): Promise<void> {
    if (isBinaryGatlingLog(input.head.toString('latin1'), input.path)) {
      throw new GatherError(
        'unsupported-format',
        `${input.path}: binary simulation.log written by Gatling 3.12.1 or later; Faultline reads the text log of ` +
          'earlier releases. Re-run the simulation with Gatling 3.11.x (the last release writing the text log), ' +
          'or record the same traffic in a format Faultline reads (JMeter JTL, k6 --out json, HAR).',
      );
    }
    const reader = new GatlingReader(sink);
    await forEachLine(
      input.chunks(),
      (line, n) => reader.line(line, n),
      (n) => sink.problem(n, tooLongLine('one tab-separated Gatling record a line')),
    );
    reader.finish();
  },
};

/** Binary logs start with the RUN header byte 0, a big-endian int length and the Gatling version. */
function isBinaryGatlingLog(head: string, path: string): boolean {
  const versionLength = head.charCodeAt(4);
  if (head.startsWith('\0\0\0\0') && versionLength >= 3 && versionLength <= 32) {
    if (/^\d+\.\d+/.test(head.slice(5, 5 + versionLength))) return true;
  }
  return basename(path).replace(/\.gz$/, '') === 'simulation.log' && head.slice(0, 1024).includes('\0');
}

/** Where the fields of a REQUEST record are, by field count (record type included). */
const REQUEST_LAYOUTS: Record<number, { groups: number; name: number; start: number; end: number }> = {
  7: { groups: 1, name: 2, start: 3, end: 4 }, // 3.4 and later
  8: { groups: 2, name: 3, start: 4, end: 5 }, // 3.0-3.3 (userId first)
  9: { groups: 3, name: 4, start: 5, end: 6 }, // 2.x (scenario, userId)
  11: { groups: 3, name: 4, start: 5, end: 8 }, // 2.0 (request start/end, response start/end)
};

/** Gatling's status check failure, e.g. "status.find.in(200,...,304), found 503" (3.x) or "..., but actually found 503" (2.x). */
const STATUS_CHECK = /status\.find\.\w+\(.*\),? (?:but actually )?found (\d{3})\b/;

class GatlingReader {
  #active = 0;
  #groups = 0;
  #errors = 0;
  readonly #firstErrors: string[] = [];
  #sawRun = false;

  constructor(private readonly sink: SampleSink) {}

  line(line: string, n: number): void {
    if (line.length === 0) return;
    const fields = line.split('\t');
    switch (fields[0]) {
      case 'REQUEST':
        this.#request(fields, n);
        return;
      case 'USER':
        this.#user(fields, n);
        return;
      case 'RUN':
        this.#run(fields);
        return;
      case 'GROUP':
        // A group's time spans its requests, which have their own records; counting it would double them.
        this.#groups++;
        return;
      case 'ERROR':
        this.#errors++;
        if (this.#firstErrors.length < 3 && fields[1]) this.#firstErrors.push(fields[1].trim());
        return;
      case 'ASSERTION':
        return;
      default:
        this.sink.problem(
          n,
          `expected a RUN, USER, REQUEST, GROUP, ERROR or ASSERTION record, got "${line.slice(0, 40)}"`,
        );
    }
  }

  finish(): void {
    if (!this.#sawRun)
      this.sink.note('Gatling simulation.log without a RUN record; the file may be cut at the start');
    if (this.#groups > 0) {
      this.sink.note(`Gatling: ${this.#groups} GROUP records skipped; their requests are counted one by one`);
    }
    if (this.#errors > 0) {
      this.sink.note(
        `Gatling: ${this.#errors} ERROR records (failures outside requests)${this.#firstErrors.length > 0 ? `, e.g. ${this.#firstErrors.map((e) => `"${e}"`).join(', ')}` : ''}`,
      );
    }
  }

  #run(fields: string[]): void {
    this.#sawRun = true;
    const version = fields[fields.length - 1]?.trim();
    const simulation = fields[1];
    if (version) this.sink.note(`Gatling ${version} simulation.log${simulation ? ` of ${simulation}` : ''}`);
  }

  #request(raw: string[], n: number): void {
    // A record cut before its message (or a message-less writer) ends at the status.
    const last = raw[raw.length - 1];
    const fields = last === 'OK' || last === 'KO' ? [...raw, ''] : raw;
    const layout = REQUEST_LAYOUTS[fields.length];
    if (!layout) {
      this.sink.problem(n, `expected 7 to 9 tab-separated REQUEST fields, got ${fields.length}`);
      return;
    }
    const start = Number(fields[layout.start]);
    const end = Number(fields[layout.end]);
    const status = fields[fields.length - 2];
    const name = fields[layout.name] ?? '';
    if (
      !Number.isFinite(start) ||
      !Number.isFinite(end) ||
      end < start ||
      (status !== 'OK' && status !== 'KO')
    ) {
      this.sink.problem(n, 'expected REQUEST start and end times in epoch ms and a status OK or KO');
      return;
    }
    const groups = (fields[layout.groups] ?? '').trim();
    const sample: LoadSample = {
      timestamp: start,
      elapsed: end - start,
      label: groups ? `${groups.split(',').join(' / ')} / ${name}` : name,
      success: status === 'OK',
      line: n,
    };
    const message = (fields[fields.length - 1] ?? '').trim();
    if (message) sample.message = message;
    const code = STATUS_CHECK.exec(message)?.[1];
    if (code && status === 'KO') sample.status = code;
    this.sink.sample(sample);
  }

  #user(fields: string[], n: number): void {
    // 3.4+: USER scenario event timestamp; earlier: USER scenario userId event userStart timestampOrEnd.
    const modern = fields.length === 4;
    const event = modern ? fields[2] : fields[3];
    const time = Number(modern ? fields[3] : event === 'START' ? fields[4] : fields[5]);
    if (
      (event !== 'START' && event !== 'END') ||
      !Number.isFinite(time) ||
      (!modern && fields.length !== 6)
    ) {
      this.sink.problem(n, 'expected USER scenario START|END timestamp');
      return;
    }
    this.#active = Math.max(0, this.#active + (event === 'START' ? 1 : -1));
    this.sink.users(time, this.#active, n);
  }
}
