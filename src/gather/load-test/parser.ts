import type { LoadTestFormat } from '../../core/vocabulary.js';
import type { InputFile } from './input.js';
import type { SampleSink } from './sample.js';

// One parser per load-tool format. A parser recognizes its format from content (never from the
// file extension alone), then streams the file into a sink. It throws GatherError for a file it
// cannot read at all; a bad line goes to sink.problem() with its number and the run goes on.

export interface LoadTestParser {
  format: LoadTestFormat;
  /** What the parser looks for, shown when no parser recognizes a file. */
  expects: string;
  /** True when the first bytes of the decompressed content are this format. */
  detect(head: string, path: string): boolean;
  parse(input: InputFile, sink: SampleSink): Promise<void>;
}
