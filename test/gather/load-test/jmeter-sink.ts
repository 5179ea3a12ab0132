import { openInput } from '../../../src/gather/load-test/input.js';
import type { LoadTestParser } from '../../../src/gather/load-test/parser.js';
import type { AggregateObservation, LoadSample, SampleSink } from '../../../src/gather/load-test/sample.js';

// Test helpers for the JMeter parser tests: a sink that records what a parser pushes, and a way to
// run a parser over a file split into chunks of chosen sizes (rows then straddle chunk boundaries).

export class RecordingSink implements SampleSink {
  readonly samples: LoadSample[] = [];
  readonly aggregates: AggregateObservation[] = [];
  readonly problems: Array<{ line: number; message: string }> = [];
  readonly notes: string[] = [];

  sample(sample: LoadSample): void {
    this.samples.push(sample);
  }
  aggregate(observation: AggregateObservation): void {
    this.aggregates.push(observation);
  }
  users(): void {}
  problem(line: number, message: string): void {
    this.problems.push({ line, message });
  }
  note(text: string): void {
    this.notes.push(text);
  }
}

/** Parses `path` with the chunks re-cut to the given sizes (cycled), to exercise rows spanning chunks. */
export async function parseInChunks(
  parser: LoadTestParser,
  path: string,
  sizes: readonly number[],
): Promise<RecordingSink> {
  const input = await openInput(path);
  const whole: Buffer[] = [];
  for await (const chunk of input.chunks()) whole.push(chunk);
  const bytes = Buffer.concat(whole);
  const sink = new RecordingSink();
  await parser.parse(
    {
      ...input,
      async *chunks() {
        let at = 0;
        for (let k = 0; at < bytes.length; k++) {
          const size = sizes[k % sizes.length] ?? 1;
          yield bytes.subarray(at, at + size);
          at += size;
        }
      },
    },
    sink,
  );
  return sink;
}
