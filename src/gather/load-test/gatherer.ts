import type { SourcePointer } from '../../core/source-pointer.js';
import { GatherError, type Gatherer } from '../gatherer.js';
import { LoadTestAccumulator } from './accumulate.js';
import type { LoadTestData } from './data.js';
import { openInput, type ProgressListener } from './input.js';
import type { LoadTestParser } from './parser.js';
import { LOAD_TEST_PARSERS } from './parsers.js';

// The load-test gatherer: detects the format of a result file from its content, streams it
// through the parser into the accumulator and returns bounded per-endpoint statistics.

export interface LoadTestGatherOptions {
  /** Fail the source when any line could not be read, instead of counting and skipping it. */
  strict?: boolean;
  parsers?: readonly LoadTestParser[];
  /** Called as each file is read, for a progress display. */
  onProgress?: ProgressListener;
}

export function loadTestGatherer(options: LoadTestGatherOptions = {}): Gatherer<'load-test'> {
  const parsers = options.parsers ?? LOAD_TEST_PARSERS;
  return {
    kind: 'load-test',
    name: 'load-test',
    async gather(source: SourcePointer): Promise<LoadTestData> {
      if (source.type !== 'file')
        throw new GatherError('unsupported-format', 'load-test results are read from files');
      const input = await openInput(source.path, options.onProgress);
      if (input.head.length === 0) throw new GatherError('parse-error', `${source.path}: the file is empty`);
      if (isUtf16(input.head)) {
        throw new GatherError(
          'unsupported-format',
          `${source.path}: the text is UTF-16 (as Windows PowerShell's > writes it); save it as UTF-8 ` +
            '(Out-File -Encoding utf8), or write the results to the file from the load tool itself',
        );
      }
      const head = input.head.toString('utf8');
      const parser = parsers.find((p) => p.detect(head, source.path));
      if (!parser) {
        const tried = parsers.map((p) => `  - ${p.format}: ${p.expects}`).join('\n');
        throw new GatherError(
          'unsupported-format',
          `${source.path}: not a load-test result format Faultline reads. Tried:\n${tried}`,
        );
      }
      const sink = new LoadTestAccumulator(parser.format);
      try {
        await parser.parse(input, sink);
      } catch (error) {
        if (error instanceof GatherError) throw error;
        const code = (error as { code?: unknown }).code;
        if (code === 'Z_BUF_ERROR' || code === 'Z_DATA_ERROR') {
          throw new GatherError('parse-error', `${source.path}: the gzip data is truncated or corrupt`);
        }
        throw error;
      }
      const data = sink.finish();
      if (options.strict && data.problems.count > 0) {
        const lines = data.problems.first.map((p) => `  line ${p.line}: ${p.message}`).join('\n');
        throw new GatherError(
          'parse-error',
          `${source.path}: ${data.problems.count} unreadable line(s) (--strict):\n${lines}`,
        );
      }
      if (data.endpoints.length === 0) {
        throw new GatherError(
          'parse-error',
          `${source.path}: recognized as ${parser.format} but it holds no requests${data.problems.count > 0 ? ` (${data.problems.count} unreadable lines, first at line ${data.problems.first[0]?.line})` : ''}`,
        );
      }
      return data;
    },
  };
}

/** A UTF-16 byte order mark, little- or big-endian. */
function isUtf16(head: Buffer): boolean {
  return (
    head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))
  );
}
