import type { SourcePointer } from '../../core/source-pointer.js';
import type { Gatherer, PartialData } from '../gatherer.js';
import { describeServer, getJson, type HttpConnection } from '../http/client.js';
import type { LogsData } from './data.js';
import { type LokiGatherOptions, QUERY_RANGE, readLoki } from './loki-reader.js';

// The Loki gatherer: the lines of a LogQL query in the incident window, from a Loki server.

export {
  DEFAULT_LOKI_LIMIT,
  LOKI_PAGE_SIZE,
  type LokiGatherOptions,
  PROBLEM_LINE_FILTER,
} from './loki-reader.js';

export function lokiGatherer(
  connection: HttpConnection,
  options: LokiGatherOptions,
): Gatherer<'logs', LogsData | PartialData<LogsData>> {
  return {
    kind: 'logs',
    name: 'loki',
    gather(_source: SourcePointer): Promise<LogsData | PartialData<LogsData>> {
      return readLoki(
        (params) => getJson(connection, QUERY_RANGE, params),
        describeServer(connection),
        options,
      );
    },
  };
}
