import { z } from 'zod';
import { SourcePointerSchema, TimeRangeSchema } from '../core/source-pointer.js';

// A signal is a named, typed, explainable feature computed once per run from the evidence bundle
// (for example the p99 latency change point of one endpoint). Signatures read signals, never raw
// evidence, so every statistic is computed once and shared.

export const SignalValueSchema = z.union([z.number(), z.boolean(), z.string()]);

export const SignalSchema = z.strictObject({
  name: z
    .string()
    .regex(/^[a-z][a-z0-9]*(?:[.-][a-z0-9]+)*$/)
    .describe('Dotted or kebab-case name from the signal registry, e.g. latency.p99.change-point'),
  subject: z.string().optional().describe('What the signal is about: an endpoint, service, pod or series'),
  value: SignalValueSchema,
  unit: z.string().optional().describe('Unit of value, e.g. ms, ratio, bytes/s'),
  window: TimeRangeSchema.optional(),
  onset: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('When the behaviour started, if it has an onset'),
  explanation: z.string().min(1).describe('One sentence a person can check against the data'),
  sources: z.array(SourcePointerSchema),
});
export type Signal = z.infer<typeof SignalSchema>;

/** The signals of one run, indexed by name; built once, read by every signature. */
export class SignalSet {
  readonly #byName = new Map<string, Signal[]>();

  constructor(signals: Iterable<Signal> = []) {
    for (const signal of signals) this.add(signal);
  }

  add(signal: Signal): void {
    const list = this.#byName.get(signal.name) ?? [];
    list.push(signal);
    this.#byName.set(signal.name, list);
  }

  get(name: string, subject?: string): Signal[] {
    const list = this.#byName.get(name) ?? [];
    return subject === undefined ? list : list.filter((s) => s.subject === subject);
  }

  has(name: string): boolean {
    return this.#byName.has(name);
  }

  names(): string[] {
    return [...this.#byName.keys()].sort();
  }
}
