import { z } from 'zod';
import { SourcePointerSchema, TimeRangeSchema } from '../core/source-pointer.js';
import { EVIDENCE_KIND_NAMES, type EvidenceKind, SOURCE_ERROR_CODE_NAMES } from '../core/vocabulary.js';

// The evidence bundle: what the gatherers read, normalized, keyed by evidence kind. It is the only
// input of signals, signatures and diagnosis, and it can be saved and diagnosed again offline.

export const BUNDLE_FORMAT_VERSION = 1;

/** Data type of each evidence kind. Each gatherer module adds its kind by declaration merging. */
// biome-ignore lint/suspicious/noEmptyInterface: extended by gatherer modules through declaration merging
export interface EvidenceDataByKind {}

export type EvidenceData<K extends EvidenceKind> = K extends keyof EvidenceDataByKind
  ? EvidenceDataByKind[K]
  : unknown;

export const SourceErrorSchema = z.strictObject({
  code: z.enum(SOURCE_ERROR_CODE_NAMES),
  message: z.string().min(1).describe('What failed and what was expected, without credentials'),
});
export type SourceError = z.infer<typeof SourceErrorSchema>;

/**
 * One source of one kind: either loaded, or failed with a coded error. A failure never aborts a
 * run. A source read only in part (a server that failed after some pages or queries) is loaded
 * with what was read and carries the coded reason the rest is missing in `partial`.
 */
export type EvidenceSource<T> =
  | { status: 'loaded'; source: z.infer<typeof SourcePointerSchema>; data: T; partial?: SourceError }
  | { status: 'failed'; source: z.infer<typeof SourcePointerSchema>; error: SourceError };

export type EvidenceSlots = { [K in EvidenceKind]?: Array<EvidenceSource<EvidenceData<K>>> };

export interface EvidenceBundle {
  formatVersion: typeof BUNDLE_FORMAT_VERSION;
  createdAt: string;
  window?: z.infer<typeof TimeRangeSchema>;
  evidence: EvidenceSlots;
}

/** Shape check of a saved bundle; the data of each kind is validated by the gatherer of that kind. */
export const EvidenceBundleSchema = z.strictObject({
  formatVersion: z.literal(BUNDLE_FORMAT_VERSION),
  createdAt: z.iso.datetime({ offset: true }),
  window: TimeRangeSchema.optional(),
  evidence: z.partialRecord(
    z.enum(EVIDENCE_KIND_NAMES),
    z.array(
      z.discriminatedUnion('status', [
        z.strictObject({
          status: z.literal('loaded'),
          source: SourcePointerSchema,
          data: z.unknown(),
          partial: SourceErrorSchema.optional(),
        }),
        z.strictObject({
          status: z.literal('failed'),
          source: SourcePointerSchema,
          error: SourceErrorSchema,
        }),
      ]),
    ),
  ),
});

export function emptyBundle(createdAt: string): EvidenceBundle {
  return { formatVersion: BUNDLE_FORMAT_VERSION, createdAt, evidence: {} };
}

export function addSource<K extends EvidenceKind>(
  bundle: EvidenceBundle,
  kind: K,
  source: EvidenceSource<EvidenceData<K>>,
): void {
  const slots = bundle.evidence as Record<EvidenceKind, Array<EvidenceSource<unknown>> | undefined>;
  const slot: Array<EvidenceSource<unknown>> = slots[kind] ?? [];
  slot.push(source as EvidenceSource<unknown>);
  slots[kind] = slot;
}

/** Evidence kinds that have at least one loaded source; failed sources do not count as evidence. */
export function availableKinds(bundle: EvidenceBundle): Set<EvidenceKind> {
  const kinds = new Set<EvidenceKind>();
  for (const kind of EVIDENCE_KIND_NAMES) {
    if (bundle.evidence[kind]?.some((s) => s.status === 'loaded')) kinds.add(kind);
  }
  return kinds;
}
