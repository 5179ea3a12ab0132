// The closed vocabularies of Faultline. Every value that the catalog, the evidence bundle or the
// diagnosis may carry for these notions is listed here and nowhere else.

export const CATEGORIES = {
  performance: 'Latency, throughput and saturation of a service under load',
  resilience: 'How failures spread between services: retries, timeouts, breakers, cascades',
  database: 'Relational and NoSQL databases: connections, queries, locks, replication, limits',
  caching: 'In-memory caches such as Redis and Memcached',
  'cdn-edge': 'CDN and edge: CloudFront, edge functions, WAF, edge caches',
  messaging: 'Queues, streams and event brokers: Kafka, NATS, SQS, RabbitMQ',
  kubernetes: 'Kubernetes scheduling, workloads, probes, autoscaling and GitOps',
  containers: 'Container runtimes and their resource limits',
  serverless: 'Functions as a service: cold starts, timeouts, throttling, runtimes',
  'cloud-infrastructure': 'Cloud compute and its control plane: instances, auto scaling, quotas',
  networking: 'L3–L7 networking: DNS, load balancers, firewalls, routing, packet delivery',
  certificates: 'TLS certificates: expiry, chains, issuance and validation',
  'infrastructure-as-code': 'Terraform, CloudFormation and Pulumi deployments and their state',
  'ci-cd': 'Builds, tests and deployments in pipelines',
  observability: 'Logging, metrics, tracing, alerting and dashboards',
  security: 'Identity, permissions, secrets, vulnerabilities and attacks',
  compliance: 'Encryption, audit, retention and regulatory obligations',
  storage: 'Disks, filesystems, volumes and object storage',
  'data-integrity': 'Corrupted, lost, duplicated or inconsistent data',
  'third-party': 'External APIs, vendors and their versions and contracts',
  configuration: 'Environment variables, feature flags and runtime configuration',
  'disaster-recovery': 'Backups, recovery sites and recovery objectives',
  process: 'Operational practices: change management, runbooks, incident response, training',
  cost: 'Spend that grows without delivering value',
  accelerators: 'GPUs and AI inference hardware',
  kernel: 'Operating-system kernel and eBPF datapaths',
} as const satisfies Record<string, string>;

export type Category = keyof typeof CATEGORIES;
export const CATEGORY_NAMES = Object.keys(CATEGORIES) as [Category, ...Category[]];

export const SEVERITIES = {
  critical: 'Outage or data loss now',
  high: 'Major degradation, or an outage is imminent',
  medium: 'Partial degradation or a real risk',
  low: 'Inefficiency, cost or hygiene',
} as const satisfies Record<string, string>;

export type Severity = keyof typeof SEVERITIES;
export const SEVERITY_NAMES = Object.keys(SEVERITIES) as [Severity, ...Severity[]];

/** The kinds of evidence Faultline gathers; the evidence bundle has one slot per kind. */
export const EVIDENCE_KINDS = {
  'load-test': 'Results of load tools: JMeter, k6, Gatling, Locust, HAR, Artillery, autocannon',
  metrics: 'Time series from Prometheus-compatible servers, OpenMetrics text or CSV',
  logs: 'Application, system and database logs: Loki, JSON lines, logfmt, plain text',
  traces: 'Distributed traces: OTLP JSON, Jaeger, Zipkin, Tempo',
  kubernetes: 'Kubernetes object state and events from kubectl get -o json',
  'tool-output':
    'Text printed by deployment and build tools: Terraform, CloudFormation, Pulumi, kubectl, Docker, CI',
  'infrastructure-code':
    'Infrastructure definitions: CloudFormation, Terraform plans, Kubernetes manifests, Dockerfiles, Pulumi previews',
} as const satisfies Record<string, string>;

export type EvidenceKind = keyof typeof EVIDENCE_KINDS;
export const EVIDENCE_KIND_NAMES = Object.keys(EVIDENCE_KINDS) as [EvidenceKind, ...EvidenceKind[]];

/** How a scenario can be recognized, and which evidence kinds can carry each way. */
export const RECOGNITION_KINDS = {
  telemetry: {
    description: 'From runtime behaviour: load-test results, metrics, logs, traces, cluster state',
    evidence: ['load-test', 'metrics', 'logs', 'traces', 'kubernetes'],
  },
  text: {
    description: 'From failure output: error messages in logs and tool output',
    evidence: ['logs', 'tool-output'],
  },
  configuration: {
    description: 'From infrastructure code and manifests, before or after deployment',
    evidence: ['infrastructure-code'],
  },
  review: {
    description: 'Only by review of practices; no evidence file shows it',
    evidence: [],
  },
} as const satisfies Record<string, { description: string; evidence: readonly EvidenceKind[] }>;

export type RecognitionKind = keyof typeof RECOGNITION_KINDS;
export const RECOGNITION_KIND_NAMES = Object.keys(RECOGNITION_KINDS) as [
  RecognitionKind,
  ...RecognitionKind[],
];

/** Status of one scenario in a diagnosis. */
export const FINDING_STATUSES = {
  matched: 'The evidence shows this scenario',
  'not-matched': 'The needed evidence is present and does not show this scenario',
  'insufficient-evidence': 'The evidence this scenario needs is absent or failed to load',
} as const satisfies Record<string, string>;

export type FindingStatus = keyof typeof FINDING_STATUSES;
export const FINDING_STATUS_NAMES = Object.keys(FINDING_STATUSES) as [FindingStatus, ...FindingStatus[]];

/** Overall verdict of a diagnosis. */
export const VERDICTS = {
  failure: 'At least one critical or high severity scenario matched',
  degraded: 'Only medium or low severity scenarios matched',
  healthy: 'Scenarios were checked with their evidence and none matched',
  inconclusive: 'Too little evidence to check any scenario',
} as const satisfies Record<string, string>;

export type Verdict = keyof typeof VERDICTS;
export const VERDICT_NAMES = Object.keys(VERDICTS) as [Verdict, ...Verdict[]];

/** Codes of a source that failed to gather; stored in the evidence bundle instead of aborting. */
export const SOURCE_ERROR_CODES = {
  'not-found': 'The file or URL does not exist',
  unreadable: 'The source exists but could not be read (permissions, I/O error)',
  'unsupported-format': 'The content is not in any format this source understands',
  'parse-error': 'The content claims a known format but is malformed',
  timeout: 'The server did not answer in time',
  'connection-failed': 'The server could not be reached (refused, reset, DNS)',
  'auth-failed': 'The server rejected the credentials',
  'http-error': 'The server answered with an error status',
  'too-large': 'The response or file exceeded the configured limit',
  partial: 'Only part of the data could be read',
} as const satisfies Record<string, string>;

export type SourceErrorCode = keyof typeof SOURCE_ERROR_CODES;
export const SOURCE_ERROR_CODE_NAMES = Object.keys(SOURCE_ERROR_CODES) as [
  SourceErrorCode,
  ...SourceErrorCode[],
];

/** Kinds of failed requests in load-test evidence; each failed request has exactly one. */
export const FAILURE_KINDS = {
  timeout: 'The client gave up waiting (socket or request timeout, HTTP 408)',
  'connection-refused': 'The connection was refused: nothing listening, or a full accept queue',
  'connection-reset': 'The connection was reset or closed before a response (ECONNRESET, broken pipe)',
  'rate-limited': 'HTTP 429 Too Many Requests',
  gateway: 'HTTP 502, 503 or 504 from a proxy, load balancer or gateway',
  server: 'Other HTTP 5xx from the application',
  client: 'Other HTTP 4xx',
  assertion: 'The response arrived with a success code but failed an assertion or check',
  other: 'Any other failure the tool reported',
} as const satisfies Record<string, string>;

export type FailureKind = keyof typeof FAILURE_KINDS;
export const FAILURE_KIND_NAMES = Object.keys(FAILURE_KINDS) as [FailureKind, ...FailureKind[]];

/** The load-test result formats Faultline reads. */
export const LOAD_TEST_FORMATS = {
  'jmeter-csv': 'JMeter JTL in CSV (any saveservice columns, any delimiter)',
  'jmeter-xml': 'JMeter JTL in XML (httpSample and sample elements, sub-samples, assertion results)',
  'k6-json': 'k6 --out json lines (Metric and Point records)',
  'k6-summary': 'k6 --summary-export or handleSummary JSON (totals only)',
  'gatling-log': 'Gatling simulation.log, tab-separated text (3.x releases before 3.12.1)',
  'locust-csv': 'Locust --csv files (_stats, _stats_history, _failures, _exceptions)',
  har: 'HTTP Archive 1.2 (browser or proxy recordings)',
  'artillery-json': 'Artillery --output JSON report',
  'autocannon-json': 'autocannon --json result',
} as const satisfies Record<string, string>;

export type LoadTestFormat = keyof typeof LOAD_TEST_FORMATS;
export const LOAD_TEST_FORMAT_NAMES = Object.keys(LOAD_TEST_FORMATS) as [LoadTestFormat, ...LoadTestFormat[]];

/**
 * Tools whose failure output Faultline reads (evidence kind `tool-output`). A text signature may
 * name some of them so that it is judged only on that tool's output.
 */
export const TOOLS = {
  terraform: 'Terraform CLI, plain text (plan, apply, init)',
  'terraform-json': 'Terraform machine-readable UI (-json lines with @level, @message, diagnostic)',
  cloudformation:
    'AWS CloudFormation stack events (describe-stack-events JSON) and aws cloudformation errors',
  pulumi: 'Pulumi CLI (up, preview, destroy)',
  kubectl: 'kubectl',
  helm: 'Helm',
  docker: 'Docker and BuildKit: build, run, compose',
  npm: 'npm, yarn and pnpm',
  pip: 'pip and Python packaging',
  maven: 'Apache Maven',
  gradle: 'Gradle',
  go: 'Go toolchain (go build, go test, go mod)',
  'github-actions': 'GitHub Actions job logs',
  'gitlab-ci': 'GitLab CI job logs',
  jenkins: 'Jenkins console output',
  aws: 'AWS CLI and SDK errors',
  jvm: 'JVM stack traces',
  python: 'Python tracebacks',
  node: 'Node.js errors and stack traces',
} as const satisfies Record<string, string>;

export type Tool = keyof typeof TOOLS;
export const TOOL_NAMES = Object.keys(TOOLS) as [Tool, ...Tool[]];
