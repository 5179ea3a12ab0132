import type { SourceError } from '../../bundle/bundle.js';
import { GatherError, PartialData } from '../gatherer.js';
import type { LogsData } from './data.js';
import { LokiFeeder } from './loki-data.js';
import { type LokiEntry, parseLokiResponse } from './loki-response.js';

// Reading a LogQL query's lines from Loki's query_range API: oldest first, page by page, each
// page mined as it arrives like a file. Filtering is pushed down: the query is sent as the user
// wrote it (selector and pipeline), so Loki returns only the lines asked for; a line filter is
// added only when asked for. A page ends at a time that may still have unread lines, so the next
// page starts at that time again and skips the lines it has already seen.

export interface LokiGatherOptions {
  window: { start: number; end: number };
  /** LogQL: a stream selector and an optional pipeline, e.g. `{app="api"} |= "timeout"`. */
  query: string;
  /** Most lines read in all; the rest of the window is not read and a note says so. */
  limit?: number;
  /** A LogQL line filter appended to the query, e.g. PROBLEM_LINE_FILTER. */
  lineFilter?: string;
  /** Lines per request. */
  pageSize?: number;
  bucketMs?: number;
}

/** Keeps only lines that mention a problem, when the user asks for it (rates of other lines are then unknown). */
export const PROBLEM_LINE_FILTER = '|~ "(?i)error|warn|exception|fatal|panic"';
/**
 * Lines read by default. Templates and their rates settle long before this (a service logs a few
 * hundred distinct statements), and it bounds the time and transfer of a query over a busy window.
 */
export const DEFAULT_LOKI_LIMIT = 50_000;
/** Loki's default max_entries_limit_per_query; a server configured lower says so and is asked again. */
export const LOKI_PAGE_SIZE = 5000;

export const QUERY_RANGE = '/loki/api/v1/query_range';

/** One query_range request with these parameters; resolves to the parsed JSON body. */
export type LokiFetch = (params: Record<string, string>) => Promise<unknown>;

/**
 * Reads the lines of a LogQL query in a window, page by page, into logs data; when a page after
 * the first fails, the lines read before it are kept as partial data.
 */
export function readLoki(
  fetch: LokiFetch,
  server: string,
  options: LokiGatherOptions,
): Promise<LogsData | PartialData<LogsData>> {
  return new LokiReader(fetch, server, options).read();
}

class LokiReader {
  readonly #feeder: LokiFeeder;
  readonly #notes: string[] = [];
  readonly #warnings = new Set<string>();
  #partial: SourceError | undefined;
  readonly #query: string;
  readonly #limit: number;
  #pageSize: number;

  constructor(
    private readonly fetch: LokiFetch,
    private readonly server: string,
    private readonly options: LokiGatherOptions,
  ) {
    this.#feeder = new LokiFeeder(options.bucketMs ? { bucketMs: options.bucketMs } : {});
    this.#query = options.lineFilter ? `${options.query} ${options.lineFilter}` : options.query;
    this.#limit = Math.max(1, Math.floor(options.limit ?? DEFAULT_LOKI_LIMIT));
    this.#pageSize = Math.max(1, Math.floor(options.pageSize ?? LOKI_PAGE_SIZE));
  }

  async read(): Promise<LogsData | PartialData<LogsData>> {
    const { window } = this.options;
    if (!(window.end > window.start)) {
      throw new GatherError(
        'parse-error',
        `the window to ask Loki about is empty (${window.start} – ${window.end})`,
      );
    }
    let start = BigInt(Math.floor(window.start)) * 1_000_000n;
    const end = BigInt(Math.ceil(window.end)) * 1_000_000n;
    // Entries at the last time of the previous page: the next page starts at that time again
    // (a page may end in the middle of a nanosecond), and these are not counted twice.
    let boundary: { ns: bigint; keys: Set<string> } | undefined;
    let pages = 0;
    for (;;) {
      const remaining = this.#limit - this.#feeder.entries;
      if (remaining <= 0) {
        this.#notes.push(
          `the line limit (${this.#limit}) was reached at ${new Date(Number(start / 1_000_000n)).toISOString()}; later lines of the window were not read`,
        );
        break;
      }
      let entries: LokiEntry[];
      let asked: number;
      try {
        // The lines at the boundary come again and are skipped; ask for them on top of the rest.
        const again = boundary?.keys.size ?? 0;
        ({ entries, asked } = await this.#page(start, end, Math.min(this.#pageSize, remaining + again)));
      } catch (error) {
        if (pages === 0 || !(error instanceof GatherError)) throw error;
        this.#partial = {
          code: 'partial',
          message: `page ${pages + 1} failed (${error.code}: ${error.message}); the ${this.#feeder.entries} line(s) read before it are kept, later lines of the window were not read`,
        };
        this.#notes.push(`partial: ${this.#partial.message}`);
        break;
      }
      pages++;
      for (const entry of entries) {
        if (boundary && entry.ns === boundary.ns && boundary.keys.has(entryKey(entry))) continue;
        if (this.#feeder.entries >= this.#limit) break;
        this.#feeder.add(entry);
      }
      const last = entries[entries.length - 1];
      if (!last || entries.length < asked) break;
      if (boundary && last.ns === boundary.ns) {
        // A whole page at one nanosecond: paging cannot move within it, so skip past it.
        this.#notes.push(
          `a whole page of ${asked} lines shares the time ${last.ns} ns; any further lines at that time were not read`,
        );
        start = last.ns + 1n;
        boundary = undefined;
        continue;
      }
      boundary = { ns: last.ns, keys: new Set(entries.filter((e) => e.ns === last.ns).map(entryKey)) };
      start = last.ns;
    }
    const notes = [
      `read ${this.#feeder.entries} line(s) of ${this.#query} from ${this.server} in ${pages} page(s)`,
      ...(this.options.lineFilter
        ? [
            `only lines matching ${this.options.lineFilter} were asked for: rates and shares of other lines are not known`,
          ]
        : []),
      ...[...this.#warnings].map((w) => `Loki warning: ${w}`),
      ...this.#notes,
    ];
    const data = this.#feeder.finish(notes);
    return this.#partial ? new PartialData(data, this.#partial) : data;
  }

  /** One request; `asked` is the limit finally used (lowered to what the server allows). */
  async #page(start: bigint, end: bigint, limit: number): Promise<{ entries: LokiEntry[]; asked: number }> {
    const params = {
      query: this.#query,
      start: String(start),
      end: String(end),
      limit: String(limit),
      direction: 'forward',
    };
    let body: unknown;
    try {
      body = await this.fetch(params);
    } catch (error) {
      const lower = serverLimit(error);
      if (lower !== undefined && lower < limit) {
        this.#notes.push(`the server allows at most ${lower} lines per query; pages were made that small`);
        this.#pageSize = lower;
        return this.#page(start, end, lower);
      }
      throw error;
    }
    const page = parseLokiResponse(body, `${this.server}${QUERY_RANGE}`);
    for (const warning of page.warnings) this.#warnings.add(warning);
    return { entries: page.entries, asked: limit };
  }
}

function entryKey(entry: LokiEntry): string {
  return `${JSON.stringify(entry.labels)}\n${entry.line}`;
}

/** The server's max_entries_limit_per_query, from its 400 answer to a larger limit. */
function serverLimit(error: unknown): number | undefined {
  if (!(error instanceof GatherError)) return undefined;
  const match =
    /max entries limit per query exceeded, limit > max_entries_limit(?:_per_query)? \((\d+) > (\d+)\)/.exec(
      error.message,
    );
  const max = match ? Number(match[2]) : undefined;
  return max !== undefined && max > 0 ? max : undefined;
}
