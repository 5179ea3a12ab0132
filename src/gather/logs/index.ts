// The logs evidence kind: gatherers for log files and Loki, and the bundle data they produce.

export * from './data.js';
export { type LogsFileGatherOptions, logsFileGatherer } from './gatherer.js';
export { type LokiGatherOptions, lokiGatherer, PROBLEM_LINE_FILTER } from './loki.js';
