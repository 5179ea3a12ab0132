// The contract between the fault lab's parts: the harness (processes, load, collection), the
// target service it runs, and the faults it switches on.

/** The target service's settings, passed as JSON in FAULTLINE_LAB_SERVICE. */
export interface ServiceConfig {
  port: number;
  postgresUrl: string;
  redisUrl: string;
  /** Several Redis shards that keys are spread over by hash (redisUrl is then unused). */
  redisUrls?: string[];
  natsUrl: string;
  /** The payments dependency the quote route calls (http or https). */
  downstream: string;
  /** CA certificate that signs the downstream's certificate, for https. */
  downstreamCa?: string;
  /** OTLP JSON trace output (one resourceSpans document per line). */
  tracesFile: string;
  /** pg pool size. */
  poolMax: number;
  /** Products seeded on start; large enough that a missing index shows. */
  products: number;
}

/** Switches of the service's control endpoint (POST /lab/faults). */
export type ServiceSwitches = Record<string, number | string | boolean>;

/** The pool size the lab's service runs with. */
export const LAB_POOL_MAX = 10;
/** The service's descriptor limit: 1024, Debian's default soft limit, so that a leak meets its end in minutes. */
export const LAB_FD_LIMIT = 1024;

/** A request of the load mix. */
export type LabRequest = 'product' | 'search' | 'order' | 'order-items' | 'quote' | 'missing-product';

export interface LoadShape {
  /** Requests per second, open model, over the whole run. */
  rate: number;
  /** Weights of the request mix. */
  mix: Partial<Record<LabRequest, number>>;
  /** Product ids: uniform over `count`, or a share of requests to `hot` hot ids (10 unless set). */
  keys: { count: number; hotShare: number; hot?: number };
}

/** What a fault may change while it is on: the service through its control endpoint, or the lab's own processes. */
export interface LabContext {
  service: string;
  redisCli: (...args: string[]) => Promise<string>;
  /** Starts a CPU-burning process owned by the lab; stopped at restore. */
  burnCpu: (workers: number) => void;
  stopBurners: () => void;
  /** The downstream stub's control: { mode, ... } */
  downstream: (mode: DownstreamMode) => Promise<void>;
  /** The same payments stub over HTTPS with a certificate that expired a month ago (signed by the lab's CA, which the service trusts). */
  expiredTlsDownstream: string;
  switchService: (switches: ServiceSwitches) => Promise<void>;
  /** Stops the service and starts a new process of it, as a deploy does; resolves once it answers its health check. */
  restartService: () => Promise<void>;
}

export type DownstreamMode =
  | { mode: 'ok' }
  | { mode: 'errors'; share: number }
  | { mode: 'slow'; delayMs: number }
  | { mode: 'down' };

export interface LabFault {
  /** The catalog scenario it should be recognized as; `healthy` for control runs. */
  id: string;
  /** What is switched on, in one sentence. */
  injects: string;
  /**
   * Service switches sent to POST /lab/faults at injection (cleared at restore); a function of
   * the run's load where the fault's size must follow the traffic to take effect at any rate.
   */
  service?: ServiceSwitches | ((load: LoadShape) => ServiceSwitches);
  /**
   * Service switches of the healthy system the fault is injected into, on from before the warm-up
   * (a slow tier behind the cache the fault then exposes); cleared with the fault's.
   */
  setting?: ServiceSwitches;
  /** Changes to the lab's own processes at injection, undone by `restore`. */
  inject?: (ctx: LabContext) => Promise<void>;
  restore?: (ctx: LabContext) => Promise<void>;
  /**
   * Shortest run that shows the fault, seconds: a leak needs minutes for the memory floor to climb
   * past the GC saw-tooth. Runs asked to be shorter are lengthened, and the injection moved to keep
   * the same healthy lead.
   */
  minDurationS?: number;
  /** The load during the whole run, when the fault needs a particular mix. */
  load?: Partial<LoadShape>;
  /** The load from the injection on, when the fault is traffic (requests for missing keys, one hot key). */
  loadDuring?: Partial<LoadShape>;
  /** The lab's stack for this fault: Redis shards the service spreads its keys over (1 unless set). */
  redisShards?: number;
  /**
   * The fault is a start: the service is restarted just before the load and the run has no
   * warm-up, so the first requests meet a fresh process (injection at 0 s).
   */
  startsCold?: boolean;
  /** The fault is a steady property of the service (a slow path): on before the warm-up, for the whole run (injection at 0 s). */
  wholeRun?: boolean;
}
