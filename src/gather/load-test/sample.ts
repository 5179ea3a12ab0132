// The normalized form every load-tool parser produces. Parsers push observations into a sink as
// they stream a file; the accumulator (accumulate.ts) folds them into bounded per-endpoint,
// per-time-bucket statistics, so memory never grows with file size.

/** One request as a load tool recorded it. */
export interface LoadSample {
  /** Request start time, epoch milliseconds. */
  timestamp: number;
  /** Response time in milliseconds (JMeter elapsed, k6 http_req_duration, Gatling end - start). */
  elapsed: number;
  /** Endpoint name: the tool's label or request name, or a URL template (ids replaced). */
  label: string;
  success: boolean;
  /** Response code as the tool wrote it: "200", "503", or a non-HTTP code such as "Non HTTP response code: java.net.SocketTimeoutException". */
  status?: string;
  /** Failure or response message (assertion text, exception, k6 error). */
  message?: string;
  receivedBytes?: number;
  sentBytes?: number;
  /** Active virtual users or threads in the whole test when the sample was taken (JMeter allThreads). */
  concurrency?: number;
  /** Time to first byte in ms, when the tool records it (JMeter Latency, k6 http_req_waiting). */
  ttfb?: number;
  /** Connection time in ms, when recorded. */
  connect?: number;
  /** 1-based line (or record number) in the source file, for evidence pointers. */
  line: number;
  /** How many identical requests this sample stands for; 1 unless a parser expands an aggregate. */
  weight?: number;
}

/** Pre-aggregated statistics of one endpoint over an interval, from tools that only write aggregates (Locust history, Artillery periods, autocannon, k6 summary). */
export interface AggregateObservation {
  label: string;
  /** Interval start, epoch ms; absent for a whole-run total with no time. */
  start?: number;
  /** Interval length in ms; absent for a whole-run total. */
  durationMs?: number;
  /**
   * The observation totals a whole run whose window is known (autocannon): the window is kept,
   * but it is not an interval of a time series, so the run has no time series from it.
   */
  wholeRun?: boolean;
  count: number;
  failures: number;
  /** Latency quantiles in ms, as the tool reported them; q in (0, 1]. At least the median is expected. */
  quantiles: Array<{ q: number; value: number }>;
  min?: number;
  max?: number;
  mean?: number;
  /** Response code counts. */
  statuses?: Record<string, number>;
  /** Failure messages with their counts (Locust failures.csv, Artillery errors). */
  failureMessages?: Record<string, number>;
  receivedBytes?: number;
  sentBytes?: number;
  /** Active users at the end of the interval. */
  concurrency?: number;
  line: number;
}

export interface SampleSink {
  sample(sample: LoadSample): void;
  aggregate(observation: AggregateObservation): void;
  /** Active users of the whole test at a moment (k6 vus, Gatling user start/end, Locust user count). */
  users(timestamp: number, active: number, line: number): void;
  /** A line that could not be read: counted, and the first ones kept with their numbers. */
  problem(line: number, message: string): void;
  /** A fact about the input worth telling the user (format version, unsupported record types skipped). */
  note(text: string): void;
}
