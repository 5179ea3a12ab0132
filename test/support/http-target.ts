import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// A small HTTP server on 127.0.0.1 for tests that run real load tools: each route answers after a
// set delay, fails a set share of its requests, and the server counts exactly what it served, so a
// test can compare a tool's result file with the truth. Failures are spread deterministically
// (every k-th request) rather than at random, so counts are exact and reruns agree.

export interface TargetRoute {
  /** Delay before answering, ms. */
  latencyMs?: number;
  /** Share of requests that fail, 0..1, spread evenly over the route's requests. */
  errorRatio?: number;
  /**
   * Status of a failed request; 'reset' destroys the socket without an answer, 'hang' never answers
   * (until the server closes), for client timeouts.
   */
  errorStatus?: number | 'reset' | 'hang';
  /** Status of a successful request (200 unless set). */
  status?: number;
  /** Body of every answer. */
  body?: string;
  /** Content type of every answer (text/plain unless set). */
  contentType?: string;
}

export interface ServedCounts {
  total: number;
  /** Answers by status code; resets and hung requests are counted under 'reset' and 'hang'. */
  byStatus: Record<string, number>;
  /** Requests by route pattern. */
  byRoute: Record<string, number>;
  /** Requests that matched no route (answered 404). */
  unmatched: number;
}

export interface HttpTarget {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:41234 */
  url: string;
  port: number;
  served: ServedCounts;
  close(): Promise<void>;
}

/**
 * Starts the server on a random free port of 127.0.0.1. Route keys are exact paths ("/health") or
 * prefixes ending in "/*" ("/users/*" matches "/users/42"); the query string is ignored.
 */
export async function startHttpTarget(routes: Record<string, TargetRoute>): Promise<HttpTarget> {
  const served: ServedCounts = { total: 0, byStatus: {}, byRoute: {}, unmatched: 0 };
  const seen = new Map<string, number>();
  const timers = new Set<NodeJS.Timeout>();
  const count = (status: string) => {
    served.total++;
    served.byStatus[status] = (served.byStatus[status] ?? 0) + 1;
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const pattern = matchRoute(routes, path);
    // Drain the request body so keep-alive connections stay usable.
    req.resume();
    if (pattern === undefined) {
      served.unmatched++;
      count('404');
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such route');
      return;
    }
    const route = routes[pattern] ?? {};
    const index = seen.get(pattern) ?? 0;
    seen.set(pattern, index + 1);
    served.byRoute[pattern] = (served.byRoute[pattern] ?? 0) + 1;
    const ratio = Math.min(Math.max(route.errorRatio ?? 0, 0), 1);
    // Request k fails when the running failure quota crosses an integer: exactly round(n * ratio) of n.
    const fails = Math.floor((index + 1) * ratio) > Math.floor(index * ratio);
    const answer = () => {
      if (fails && route.errorStatus === 'reset') {
        count('reset');
        req.socket.destroy();
        return;
      }
      if (fails && route.errorStatus === 'hang') {
        count('hang');
        return;
      }
      const errorStatus = typeof route.errorStatus === 'number' ? route.errorStatus : 500;
      const status = fails ? errorStatus : (route.status ?? 200);
      count(String(status));
      res.writeHead(status, { 'content-type': route.contentType ?? 'text/plain' }).end(route.body ?? 'ok');
    };
    const delay = route.latencyMs ?? 0;
    if (delay <= 0) {
      answer();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      answer();
    }, delay);
    timers.add(timer);
  });
  server.keepAliveTimeout = 5_000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    served,
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function matchRoute(routes: Record<string, TargetRoute>, path: string): string | undefined {
  if (Object.hasOwn(routes, path)) return path;
  let best: string | undefined;
  for (const pattern of Object.keys(routes)) {
    if (!pattern.endsWith('/*')) continue;
    const prefix = pattern.slice(0, -1);
    if (path.startsWith(prefix) && path.length > prefix.length && (!best || pattern.length > best.length)) {
      best = pattern;
    }
  }
  return best;
}
