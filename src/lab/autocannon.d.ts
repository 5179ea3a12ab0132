// The part of autocannon's programmatic API the lab uses (the package ships no types).
declare module 'autocannon' {
  interface Request {
    method?: string;
    path?: string;
    body?: string;
    headers?: Record<string, string>;
    setupRequest?: (request: Record<string, unknown>) => Record<string, unknown>;
  }
  interface Options {
    url: string;
    connections?: number;
    overallRate?: number;
    duration?: number;
    timeout?: number;
    requests?: Request[];
  }
  /** The result object, the same JSON `autocannon --json` prints. */
  type Result = Record<string, unknown>;
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
