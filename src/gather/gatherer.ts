import { addSource, type EvidenceBundle, type EvidenceData, type SourceError } from '../bundle/bundle.js';
import type { SourcePointer } from '../core/source-pointer.js';
import type { EvidenceKind, SourceErrorCode } from '../core/vocabulary.js';

// Gatherers only read and normalize one kind of source into bundle data; they never judge it.
// A gatherer that fails, by a coded error or by throwing, fills its slot with a coded error and
// the run goes on with the other sources.

export class GatherError extends Error {
  constructor(
    readonly code: SourceErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'GatherError';
  }
}

/**
 * What a gatherer returns when it could read only part of its source: the data read so far and
 * the coded reason the rest is missing. The data goes into the bundle; the reason is shown with
 * the input, so nobody mistakes a cut-short window for a quiet one.
 */
export class PartialData<T> {
  constructor(
    readonly data: T,
    readonly error: SourceError,
  ) {}
}

/** The data a gatherer returned, whether whole or partial. */
export function dataOf<T>(gathered: T | PartialData<T>): T {
  return gathered instanceof PartialData ? gathered.data : gathered;
}

/** A gatherer returns its data, or `PartialData` when it read only part of its source (R says which). */
export interface Gatherer<
  K extends EvidenceKind,
  R extends EvidenceData<K> | PartialData<EvidenceData<K>> = EvidenceData<K>,
> {
  kind: K;
  /** Short name shown in progress and errors, e.g. "jmeter-csv". */
  name: string;
  gather(source: SourcePointer): Promise<R>;
}

export interface GatherTask {
  source: SourcePointer;
  // biome-ignore lint/suspicious/noExplicitAny: tasks of different kinds travel in one list; each gatherer is typed by its own kind
  gatherer: Gatherer<any>;
}

/** Runs every task in order and records each outcome in the bundle; never throws for a source. */
export async function gatherInto(
  bundle: EvidenceBundle,
  tasks: readonly GatherTask[],
): Promise<EvidenceBundle> {
  for (const { source, gatherer } of tasks) {
    try {
      const gathered = await gatherer.gather(source);
      addSource(
        bundle,
        gatherer.kind,
        gathered instanceof PartialData
          ? { status: 'loaded', source, data: gathered.data, partial: gathered.error }
          : { status: 'loaded', source, data: gathered },
      );
    } catch (error) {
      addSource(bundle, gatherer.kind, {
        status: 'failed',
        source,
        error: toSourceError(gatherer.name, error),
      });
    }
  }
  return bundle;
}

function toSourceError(name: string, error: unknown): SourceError {
  if (error instanceof GatherError) return { code: error.code, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  const { code, path } = (error ?? {}) as { code?: unknown; path?: unknown };
  // System errors name the file in a message meant for programmers; say it in a person's words.
  const where = typeof path === 'string' ? path : name;
  if (code === 'ENOENT') return { code: 'not-found', message: `${where}: no such file` };
  if (code === 'EACCES' || code === 'EPERM')
    return { code: 'unreadable', message: `${where}: permission denied` };
  if (code === 'EISDIR') return { code: 'unreadable', message: `${where}: a directory, not a file` };
  if (code === 'EIO') return { code: 'unreadable', message: `${where}: input/output error while reading` };
  return { code: 'parse-error', message: `${name}: ${message}` };
}
