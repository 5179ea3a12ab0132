import { StringDecoder } from 'node:string_decoder';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { GatherError } from '../gatherer.js';
import type { InputFile } from './input.js';
import type { LoadTestParser } from './parser.js';
import type { SampleSink } from './sample.js';

// JMeter JTL in XML (jmeter.save.saveservice.output_format=xml): <testResults version="1.2"> holding
// one <httpSample> (HTTP samplers) or <sample> (every other sampler, transaction controllers) per
// sample, with attributes t (elapsed), lt (latency), ct (connect), ts (timestamp), s (success),
// lb (label), rc, rm, tn, dt, by, sby, ng, na, hn, sc, ec.
//
// Sub-samples: a sample may nest samples of its own: redirects and embedded resources of an HTTP
// sampler, or the children of a transaction controller that generates a parent sample. The
// top-level sample is the request as the test plan defines it and its t already covers the nested
// ones, so only top-level samples are counted; nested ones are counted in a note. Assertion results
// of the top-level sample give the failure message.

const SAMPLE_ELEMENTS = new Set(['httpSample', 'sample']);
const ROOT = /<testResults[\s>]/;

interface OpenSample {
  name: string;
  line: number;
  attributes: Record<string, string>;
  assertionMessage: string | undefined;
}

interface OpenAssertion {
  failed: boolean;
  message: string;
  /** The child element whose text is being read (failure, error, failureMessage). */
  field: string | undefined;
}

export const jmeterXmlParser: LoadTestParser = {
  format: 'jmeter-xml',
  expects: 'a JMeter XML JTL: <testResults version="1.2"> with <httpSample> or <sample> elements',
  detect(head: string): boolean {
    return ROOT.test(head.slice(0, 4096));
  },
  async parse(input: InputFile, sink: SampleSink): Promise<void> {
    const reader = new JtlXmlReader(input.path, sink);
    const decoder = new StringDecoder('utf8');
    for await (const chunk of input.chunks()) {
      if (!reader.write(decoder.write(chunk))) break;
    }
    reader.close(decoder.end());
  },
};

class JtlXmlReader {
  readonly #path: string;
  readonly #sink: SampleSink;
  readonly #parser = new SaxesParser<{ xmlns: false; position: true }>({
    xmlns: false,
    position: true,
  });
  #depth = 0;
  #tagLine = 1;
  #sample: OpenSample | undefined;
  #assertion: OpenAssertion | undefined;
  #samples = 0;
  #subSamples = 0;
  #otherElements = new Set<string>();
  #error: { line: number; message: string } | undefined;

  constructor(path: string, sink: SampleSink) {
    this.#path = path;
    this.#sink = sink;
    const parser = this.#parser;
    parser.on('opentagstart', () => {
      this.#tagLine = parser.line;
    });
    parser.on('opentag', (tag) => this.#open(tag));
    parser.on('closetag', (tag) => this.#close(tag));
    parser.on('text', (text) => this.#text(text));
    parser.on('cdata', (text) => this.#text(text));
    parser.on('error', (error) => {
      this.#error ??= { line: parser.line, message: error.message.replace(/^[^:]*:\d+:\d+: /, '') };
    });
  }

  /** Feeds text; false once the XML is broken and reading should stop. */
  write(text: string): boolean {
    if (this.#error) return false;
    this.#parser.write(text);
    return this.#error === undefined;
  }

  close(rest: string): void {
    if (!this.#error) {
      if (rest) this.#parser.write(rest);
      this.#parser.close();
    }
    const open = this.#sample;
    if (open) {
      // The file ends inside a sample: its start tag was whole, so its attributes are kept.
      this.#emit(open);
      this.#sample = undefined;
    }
    const error = this.#error;
    if (error) {
      if (this.#samples === 0) {
        throw new GatherError(
          'parse-error',
          `${this.#path}: line ${error.line}: expected well-formed JMeter XML, ${error.message}`,
        );
      }
      const truncated = /unclosed tag|unexpected end/i.test(error.message);
      this.#sink.problem(
        error.line,
        truncated
          ? `expected the rest of the XML document: the file ends here (truncated?); ${this.#samples} samples before it were read`
          : `expected well-formed XML, ${error.message}; reading stopped here, ${this.#samples} samples before it were read`,
      );
    }
    if (this.#subSamples > 0) {
      this.#sink.note(
        `${this.#subSamples} nested sub-samples (redirects, embedded resources, transaction children) ` +
          'were not counted as requests; the top-level sample that contains them was',
      );
    }
    if (this.#otherElements.size > 0) {
      this.#sink.note(`elements skipped under <testResults>: ${[...this.#otherElements].sort().join(', ')}`);
    }
  }

  #open(tag: SaxesTagPlain): void {
    if (this.#error) return;
    const depth = ++this.#depth;
    if (depth === 1) {
      if (tag.name !== 'testResults') {
        this.#fail(`expected <testResults> as the root element, found <${tag.name}>`);
      }
      return;
    }
    if (depth === 2) {
      if (SAMPLE_ELEMENTS.has(tag.name)) {
        this.#sample = {
          name: tag.name,
          line: this.#tagLine,
          attributes: tag.attributes,
          assertionMessage: undefined,
        };
      } else this.#otherElements.add(`<${tag.name}>`);
      return;
    }
    if (!this.#sample) return;
    if (SAMPLE_ELEMENTS.has(tag.name)) this.#subSamples++;
    else if (depth === 3 && tag.name === 'assertionResult') {
      this.#assertion = { failed: false, message: '', field: undefined };
    } else if (depth === 4 && this.#assertion) this.#assertion.field = tag.name;
  }

  #close(tag: SaxesTagPlain): void {
    if (this.#error) return;
    const depth = this.#depth--;
    if (depth === 2 && this.#sample) {
      this.#emit(this.#sample);
      this.#sample = undefined;
    } else if (depth === 3 && tag.name === 'assertionResult' && this.#assertion) {
      const assertion = this.#assertion;
      if (assertion.failed && this.#sample && this.#sample.assertionMessage === undefined) {
        this.#sample.assertionMessage = assertion.message;
      }
      this.#assertion = undefined;
    } else if (depth === 4 && this.#assertion) this.#assertion.field = undefined;
  }

  #text(text: string): void {
    const assertion = this.#assertion;
    if (!assertion?.field) return;
    if (assertion.field === 'failureMessage') assertion.message += text;
    else if ((assertion.field === 'failure' || assertion.field === 'error') && text.trim() === 'true') {
      assertion.failed = true;
    }
  }

  #fail(message: string): void {
    this.#error ??= { line: this.#tagLine, message };
  }

  #emit(open: OpenSample): void {
    const a = open.attributes;
    const line = open.line;
    const timestamp = wholeNumber(a.ts);
    const elapsed = wholeNumber(a.t);
    if (timestamp === undefined || elapsed === undefined) {
      this.#sink.problem(
        line,
        `expected whole-number attributes ts (timestamp) and t (elapsed) on <${open.name}>, got ts="${a.ts ?? ''}" t="${a.t ?? ''}"`,
      );
      return;
    }
    if (a.lb === undefined) {
      this.#sink.problem(line, `expected a label attribute lb on <${open.name}>`);
      return;
    }
    const success = a.s === undefined ? undefined : a.s.toLowerCase() === 'true';
    const status = a.rc;
    const code = Number(status);
    const ok = success ?? (code >= 100 && code < 400);
    const count = wholeNumber(a.sc) ?? 1;
    const errors = Math.min(wholeNumber(a.ec) ?? (ok ? 0 : count), count);
    const message = ok && errors === 0 ? undefined : (open.assertionMessage ?? a.rm);
    this.#samples++;
    // Statistical mode (sc > 1): elapsed, latency and bytes are sums over the sc requests.
    const per = (value: number | undefined): number | undefined =>
      value === undefined || count <= 1 ? value : value / count;
    const base = {
      timestamp,
      elapsed: per(elapsed) as number,
      label: a.lb,
      status,
      receivedBytes: per(wholeNumber(a.by)),
      sentBytes: per(wholeNumber(a.sby)),
      concurrency: wholeNumber(a.na),
      ttfb: per(wholeNumber(a.lt)),
      connect: per(wholeNumber(a.ct)),
      line,
    };
    if (count <= 1) {
      this.#sink.sample({ ...base, success: ok, message });
      return;
    }
    if (count - errors > 0) this.#sink.sample({ ...base, success: true, weight: count - errors });
    if (errors > 0) this.#sink.sample({ ...base, success: false, message, weight: errors });
  }
}

function wholeNumber(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const value = Number(text);
  return Number.isInteger(value) ? value : undefined;
}
