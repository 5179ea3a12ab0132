// Known failure messages, grouped in families, as data: each family names the catalog scenarios
// it points to and the messages real software writes for it (taken from the software's sources
// and documentation). They are matched against template samples (the real text of a record),
// templates and stack-trace causes.
//
// The patterns are written so that matching stays linear in the text: no `.*` or `.+` (a bounded
// `.{0,n}` where text varies), no quantified group, alternations of literals only
// (test/signals/logs/known-failures.test.ts checks this on the pattern sources).

export interface KnownFailureFamily {
  /** Signal name suffix: logs.known.<id>. */
  id: string;
  title: string;
  /** Catalog scenarios this family is evidence for. */
  scenarios: readonly string[];
  patterns: readonly RegExp[];
}

export const KNOWN_FAILURES: readonly KnownFailureFamily[] = [
  {
    id: 'out-of-memory',
    title: 'a runtime ran out of memory',
    scenarios: ['container-oom-killed', 'memory-leak'],
    patterns: [
      // JVM: java.lang.OutOfMemoryError: Java heap space / GC overhead limit exceeded / Metaspace
      /\bOutOfMemoryError\b/,
      // Node.js: FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory
      /JavaScript heap out of memory/i,
      /Ineffective mark-compacts near heap limit/,
      // Go: fatal error: runtime: out of memory
      /\bruntime: out of memory\b/,
      // .NET and Python
      /\bSystem\.OutOfMemoryException\b/,
      /(?:^|\s)MemoryError\b/,
    ],
  },
  {
    id: 'oom-killed',
    title: 'a process or container was killed for running out of memory',
    scenarios: ['container-oom-killed'],
    patterns: [
      // Kubernetes container status and events
      /\bOOMKilled\b/,
      /\bSystem OOM encountered\b/,
      // Linux kernel: Out of memory: Killed process 1234 (java) ..., Memory cgroup out of memory: Killed process ...
      /\bout of memory: Kill(?:ed)? process \d+/i,
      /\binvoked oom-killer\b/,
      /\boom-kill:constraint=/,
      /\boom_reaper: reaped process \d+/,
    ],
  },
  {
    id: 'network-unreachable',
    title: 'hosts or networks were unreachable',
    scenarios: ['network-connectivity-failure'],
    patterns: [
      // connect: no route to host (EHOSTUNREACH), connect: network is unreachable (ENETUNREACH)
      /\bno route to host\b/i,
      /\bnetwork is unreachable\b/i,
      /\bE(?:HOST|NET)UNREACH\b/,
    ],
  },
  {
    id: 'connect-timeout',
    title: 'connections timed out before they were established',
    scenarios: ['network-connectivity-failure', 'connection-timeout'],
    patterns: [
      // Java: java.net.SocketTimeoutException: connect timed out; Netty: ConnectTimeoutException
      /\bconnect timed out\b/i,
      /\bConnectTimeoutException\b/,
      // Go: dial tcp 10.0.7.3:5432: i/o timeout (a dial, not a read)
      /\bdial tcp \S{1,80}: i\/o timeout\b/,
      // Node.js: connect ETIMEDOUT 10.0.7.3:443
      /\bconnect ETIMEDOUT\b/,
      // nginx: upstream timed out (110: Connection timed out) while connecting to upstream
      /\(110: Connection timed out\) while connecting to upstream\b/,
    ],
  },
  {
    id: 'connection-refused',
    title: 'connections were refused',
    scenarios: ['dependency-unavailable'],
    patterns: [/\bconnection refused\b/i, /\bECONNREFUSED\b/],
  },
  {
    id: 'connection-reset',
    title: 'connections were reset by the peer',
    scenarios: ['dependency-unavailable'],
    patterns: [/\bconnection reset\b/i, /\bECONNRESET\b/, /\bsocket hang up\b/],
  },
  {
    id: 'timeout',
    title: 'calls timed out',
    scenarios: ['connection-timeout', 'upstream-timeout'],
    patterns: [
      /\b(?:read|connect|connection) timed out\b/i,
      /\bcontext deadline exceeded\b/,
      /\bi\/o timeout\b/,
      /\bE(?:SOCKET)?TIMEDOUT\b/,
      /\bSocketTimeoutException\b/,
      /\bClient\.Timeout exceeded\b/,
      /\bGateway Time-?out\b/i,
      /\bupstream timed out\b/,
    ],
  },
  {
    id: 'too-many-connections',
    title: 'the database refused connections over its limit',
    scenarios: ['backend-connection-storm', 'connection-pool-exhaustion'],
    patterns: [
      // PostgreSQL: FATAL:  sorry, too many clients already
      /\bsorry, too many clients already\b/,
      // PostgreSQL: remaining connection slots are reserved for non-replication superuser connections
      // (16: ... for roles with the SUPERUSER attribute)
      /\bremaining connection slots are reserved for\b/,
      // PostgreSQL: too many connections for role "app"; MySQL: ERROR 1040 (HY000): Too many connections
      /\btoo many connections\b/i,
      /\bER_CON_COUNT_ERROR\b/,
      // Redis: ERR max number of clients reached
      /\bmax number of clients reached\b/,
    ],
  },
  {
    id: 'pool-exhausted',
    title: 'the application waited in vain for a pooled connection',
    scenarios: ['connection-pool-exhaustion'],
    patterns: [
      // HikariCP: HikariPool-1 - Connection is not available, request timed out after 30000ms.
      /\bConnection is not available, request timed out after\b/,
      // Knex: Knex: Timeout acquiring a connection. The pool is probably full.
      /\bTimeout acquiring a connection\b/i,
      // node-postgres: timeout exceeded when trying to connect
      /\btimeout exceeded when trying to connect\b/,
      // SQLAlchemy: QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30.00
      /\bQueuePool limit of size \d+ overflow \d+ reached\b/,
      // Tomcat JDBC: Timeout: Pool empty. Unable to fetch a connection in 30 seconds
      /\bPool empty\. Unable to fetch a connection\b/,
      // Apache DBCP: Cannot get a connection, pool error Timeout waiting for idle object
      /\bpool error Timeout waiting for idle object\b/,
      // Sequelize
      /\bConnectionAcquireTimeoutError\b/,
    ],
  },
  {
    id: 'deadlock',
    title: 'the database detected a deadlock',
    scenarios: ['database-deadlock'],
    patterns: [
      // PostgreSQL: ERROR:  deadlock detected (SQLSTATE 40P01)
      /\bdeadlock detected\b/i,
      // MySQL: Deadlock found when trying to get lock; try restarting transaction
      /\bDeadlock found when trying to get lock\b/,
      /\bER_LOCK_DEADLOCK\b/,
      // SQL Server: Transaction (Process ID 52) was deadlocked on lock resources ... chosen as the deadlock victim
      /\bchosen as the deadlock victim\b/,
    ],
  },
  {
    id: 'lock-wait-timeout',
    title: 'statements gave up waiting for a lock',
    scenarios: ['shared-resource-lock-contention', 'database-deadlock'],
    patterns: [
      // MySQL: Lock wait timeout exceeded; try restarting transaction
      /\bLock wait timeout exceeded\b/,
      /\bER_LOCK_WAIT_TIMEOUT\b/,
      // PostgreSQL: canceling statement due to lock timeout; could not obtain lock on row in relation "x"
      /\bcanceling statement due to lock timeout\b/,
      /\bcould not obtain lock on (?:row|relation)\b/,
    ],
  },
  {
    id: 'certificate-expired',
    title: 'a TLS certificate had expired',
    scenarios: ['tls-certificate-expired'],
    patterns: [
      // Go: x509: certificate has expired or is not yet valid; OpenSSL: certificate has expired,
      // sslv3 alert certificate expired
      /\bcertificate (?:has )?expired\b/i,
      // Java: java.security.cert.CertificateExpiredException: NotAfter: ...
      /\bCertificateExpiredException\b/,
      // Node.js: CERT_HAS_EXPIRED
      /\bCERT_HAS_EXPIRED\b/,
    ],
  },
  {
    id: 'certificate-untrusted',
    title: 'a TLS certificate chain could not be verified',
    scenarios: ['tls-certificate-chain-invalid'],
    patterns: [
      // Go: x509: certificate signed by unknown authority
      /\bcertificate signed by unknown authority\b/,
      // Java: PKIX path building failed: ... unable to find valid certification path to requested target
      /\bPKIX path building failed\b/,
      /\bunable to find valid certification path\b/,
      // OpenSSL / Python: unable to get local issuer certificate; self signed certificate in certificate chain
      /\bunable to get local issuer certificate\b/,
      /\bself[- ]signed certificate in certificate chain\b/i,
      // Node.js error codes
      /\b(?:UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\b/,
    ],
  },
  {
    id: 'no-space-left',
    title: 'a disk was full',
    scenarios: ['disk-space-exhausted'],
    patterns: [
      /\bNo space left on device\b/i,
      /\bENOSPC\b/,
      // MySQL: ERROR 1114 (HY000): The table 'orders' is full
      /\bThe table '[^']{1,200}' is full\b/,
    ],
  },
  {
    id: 'read-only-filesystem',
    title: 'a file system was read-only',
    scenarios: ['read-only-filesystem'],
    patterns: [/\bRead-only file system\b/i, /\bEROFS\b/],
  },
  {
    id: 'too-many-open-files',
    title: 'a process ran out of file descriptors',
    scenarios: [],
    patterns: [/\bToo many open files\b/i, /\bE[MN]FILE\b/],
  },
  {
    id: 'rate-limited',
    title: 'requests were rate limited',
    scenarios: ['rate-limiting-429', 'serverless-throttling'],
    patterns: [
      // An access log line becomes "GET /x HTTP/1.1 429 Too Many Requests"
      /\bToo Many Requests\b/i,
      /\brate limit(?:ed| exceeded)\b/i,
      // AWS: ThrottlingException: Rate exceeded; TooManyRequestsException
      /\b(?:Throttling|TooManyRequests)Exception\b/,
      /\bRate exceeded\b/,
      // nginx limit_req: limiting requests, excess: 10.520 by zone "api"
      /\blimiting requests, excess:/,
    ],
  },
  {
    id: 'dns-failure',
    title: 'host names did not resolve',
    scenarios: ['dns-resolution-failure', 'service-discovery-failure'],
    patterns: [
      // Go: dial tcp: lookup db.internal on 10.96.0.10:53: no such host / server misbehaving
      /\bno such host\b/,
      /\blookup \S{1,255} on \S{1,64}: server misbehaving\b/,
      /\bNXDOMAIN\b/,
      // Node.js: getaddrinfo ENOTFOUND db.internal / EAI_AGAIN
      /\bgetaddrinfo (?:ENOTFOUND|EAI_AGAIN)\b/,
      /\bEAI_AGAIN\b/,
      // Java: java.net.UnknownHostException
      /\bUnknownHostException\b/,
      // glibc and musl resolvers, curl, nginx
      /\bTemporary failure in name resolution\b/,
      /\bName or service not known\b/,
      /\bName does not resolve\b/,
      /\bCould not resolve host\b/,
      /\bcould not be resolved \(\d+: (?:Host not found|Operation timed out|Server failure)\)/,
    ],
  },
  {
    id: 'circuit-open',
    title: 'a circuit breaker was open',
    scenarios: ['circuit-breaker-open'],
    patterns: [
      // Resilience4j: CircuitBreaker 'backendA' is OPEN and does not permit further calls
      /\bCircuitBreaker '[^']{1,200}' is (?:OPEN|FORCED_OPEN)\b/,
      /\bCircuitBreaker '[^']{1,200}' changed state from \w{1,20} to OPEN\b/,
      // Hystrix: Hystrix circuit short-circuited and is OPEN
      /\bHystrix circuit short-circuited\b/,
      // opossum: Breaker is open (code EOPENBREAKER)
      /\bBreaker is open\b/,
      /\bEOPENBREAKER\b/,
      // Polly: The circuit is now open and is not allowing calls; gobreaker: circuit breaker is open
      /\bThe circuit is now open\b/,
      /\bBrokenCircuitException\b/,
      /\bcircuit breaker is open\b/i,
    ],
  },
  {
    id: 'upstream-5xx',
    title: 'a proxy could not get an answer from its upstream',
    scenarios: ['error-spike-5xx', 'unhealthy-backend-pool', 'upstream-timeout'],
    patterns: [
      // nginx error log
      /\bupstream timed out \(110: Connection timed out\)/,
      /\bno live upstreams\b/,
      /\bconnect\(\) failed \(111: Connection refused\) while connecting to upstream\b/,
      /\bupstream prematurely closed connection\b/,
      /\brecv\(\) failed \(104: Connection reset by peer\) while reading response header from upstream\b/,
      // Envoy
      /\bupstream connect error or disconnect\/reset before headers\b/,
      // An access log line of a proxy's 5xx answer
      /\b50[234] (?:Bad Gateway|Service Unavailable|Gateway Timeout)\b/,
    ],
  },
  {
    id: 'replication-error',
    title: 'replication between database servers broke',
    scenarios: ['replication-lag'],
    patterns: [
      // PostgreSQL standby and primary
      /\bcould not receive data from WAL stream\b/,
      /\brequested WAL segment [0-9A-F]{24} has already been removed\b/,
      /\bterminating walsender process due to replication timeout\b/,
      // MySQL replica threads: Replica I/O for channel '': error connecting to source ...
      /\b(?:Replica|Slave) (?:I\/O|SQL)(?: thread)? for channel '[^']{0,64}': (?:error|Error)\b/,
    ],
  },
  {
    id: 'recovery-conflict',
    title: 'queries on a standby were cancelled so that replay could catch up',
    scenarios: ['replication-lag'],
    patterns: [
      // PostgreSQL hot standby: ERROR:  canceling statement due to conflict with recovery
      /\bcanceling statement due to conflict with recovery\b/,
    ],
  },
  {
    id: 'xid-wraparound',
    title: 'PostgreSQL approached transaction ID wraparound',
    scenarios: ['transaction-id-wraparound'],
    patterns: [
      // WARNING:  database "orders" must be vacuumed within 10985967 transactions
      /\bmust be vacuumed within \d+ transactions\b/,
      /\bmust be vacuumed before \d+ more MultiXactIds? (?:is|are) used\b/,
      // ERROR:  database is not accepting commands (that assign new transaction IDs) to avoid wraparound data loss
      /\bto avoid wraparound data loss in database\b/,
    ],
  },
  {
    id: 'disk-quota',
    title: 'a disk quota was exceeded',
    scenarios: ['disk-quota-exceeded'],
    patterns: [/\bDisk quota exceeded\b/i, /\bEDQUOT\b/],
  },
  {
    id: 'thread-pool-exhausted',
    title: 'request or worker threads were all busy',
    scenarios: ['thread-starvation'],
    patterns: [
      // Tomcat: All threads (200) are currently busy, waiting. Increase maxThreads (200) ...
      /\bAll threads \(\d+\) are currently busy\b/,
      // java.util.concurrent.RejectedExecutionException: Task ... rejected from java.util.concurrent.ThreadPoolExecutor@...
      /\bRejectedExecutionException\b/,
      // gunicorn: [CRITICAL] WORKER TIMEOUT (pid:1234)
      /\bWORKER TIMEOUT \(pid:\d+\)/,
      // Vert.x: Thread Thread[vert.x-eventloop-thread-0,5,main] has been blocked for 2500 ms, time limit is 2000 ms
      /\bhas been blocked for \d+ ms, time limit is \d+ ms\b/,
    ],
  },
  {
    id: 'cuda-out-of-memory',
    title: 'a GPU ran out of framebuffer memory',
    scenarios: ['gpu-memory-saturation'],
    patterns: [
      // PyTorch's caching allocator: torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has ...
      /\bCUDA out of memory\. Tried to allocate\b/,
      // The CUDA runtime through any framework: RuntimeError: CUDA error: out of memory
      /\bCUDA error: out of memory\b/,
      // TensorFlow: ResourceExhaustedError: OOM when allocating tensor with shape[64,4096,4096] ... on /job:localhost/.../device:GPU:0
      /\bOOM when allocating tensor with shape\b/,
      // vLLM at start-up: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` ...
      /\bNo available memory for the cache blocks\b/,
    ],
  },
  {
    id: 'kubelet-eviction-memory',
    title: 'the kubelet evicted pods to reclaim node memory or process IDs',
    scenarios: ['node-pressure-eviction'],
    patterns: [
      // Structured kubelet logs: "Eviction manager: attempting to reclaim" resourceName="memory"
      /\bEviction manager: (?:attempting to reclaim|must evict pod\(s\) to reclaim)"? resourceName="(?:memory|pids)"/i,
      // Older kubelets: eviction manager: must evict pod(s) to reclaim memory
      /\beviction manager: (?:attempting to reclaim|must evict pod\(s\) to reclaim) (?:memory|pids|allocatableMemory)\b/i,
      // The eviction message on the pod and its event
      /\bThe node was low on resource: (?:memory|pids)\b/,
    ],
  },
  {
    id: 'kubelet-eviction-storage',
    title: "the kubelet evicted pods to reclaim the node's ephemeral storage",
    scenarios: ['ephemeral-storage-exhaustion'],
    patterns: [
      /\bEviction manager: (?:attempting to reclaim|must evict pod\(s\) to reclaim)"? resourceName="ephemeral-storage"/i,
      /\beviction manager: (?:attempting to reclaim|must evict pod\(s\) to reclaim) (?:ephemeral-storage|nodefs|imagefs)\b/i,
      /\bThe node was low on resource: ephemeral-storage\b/,
      // Per-pod limits: Container app exceeded its local ephemeral storage limit "1Gi".
      /\bexceeded its local ephemeral storage limit\b/,
      /\bPod ephemeral local storage usage exceeds the total limit of containers\b/,
    ],
  },
  {
    id: 'credential-expired',
    title: 'a credential or token had expired or was no longer accepted',
    scenarios: ['credential-expiry'],
    patterns: [
      // AWS: ExpiredToken / ExpiredTokenException: The security token included in the request is
      // expired; S3: ExpiredToken: The provided token has expired.
      /\bThe security token included in the request is expired\b/,
      /\bExpiredToken(?:Exception)?\b/,
      /\bThe provided token has expired\b/,
      // jsonwebtoken (Node.js): TokenExpiredError: jwt expired
      /\bTokenExpiredError\b/,
      /\bjwt expired\b/,
      // PyJWT: jwt.exceptions.ExpiredSignatureError: Signature has expired
      /\bExpiredSignatureError\b/,
      // Spring Security resource server: An error occurred while attempting to decode the Jwt: Jwt expired at 2024-03-12T14:11:00Z
      /\bJwt expired at\b/,
      // Microsoft.IdentityModel: IDX10223: Lifetime validation failed. The token is expired.
      /\bIDX10223\b/,
      /\bSecurityTokenExpiredException\b/,
      // RFC 6750: WWW-Authenticate: Bearer error="invalid_token", error_description="The access token expired"
      /\bThe access token expired\b/,
      // OAuth token endpoints: {"error":"invalid_grant","error_description":"Token has been expired or revoked."}
      // (Keycloak: "Token is not active"); invalid_grant alone also means a bad authorization code
      /\binvalid_grant\b.{0,120}\b(?:expired|revoked|not active)\b/i,
      // PostgreSQL, when the password was rotated under a running client:
      // FATAL:  password authentication failed for user "orders"
      /\bpassword authentication failed for user\b/,
    ],
  },
  {
    id: 'plaintext-rejected-by-mtls',
    title: 'plaintext connections such as health probes were reset at a port that requires mutual TLS',
    scenarios: ['mtls-health-check-failure'],
    patterns: [
      // Envoy inbound access log (Istio): "- - -" 0 NR filter_chain_not_found - ... — no filter
      // chain of the listener accepts a plaintext connection once the port is STRICT mTLS
      /\bNR filter_chain_not_found\b/,
      // kubelet event: Readiness probe failed: Get "http://10.1.2.3:8080/ready": read tcp
      // 10.1.2.1:45678->10.1.2.3:8080: read: connection reset by peer — the sidecar accepted the
      // connection and reset it; an app that is down refuses, a hung one times out
      /\b(?:Readiness|Liveness|Startup) probe failed: Get "http:\/\/[^"]{1,200}": read tcp \S{1,100}: read: connection reset by peer\b/,
      // kubelet prober.go: "Probe failed" probeType="Readiness" ... output="Get \"http://...\": read tcp ...: read: connection reset by peer"
      /\bprobeType="(?:Readiness|Liveness|Startup)".{0,400}output="Get \\"http:\/\/[^"\\]{1,200}\\": read tcp \S{1,100}: read: connection reset by peer\b/,
    ],
  },
  {
    id: 'quorum-lost',
    title: 'cluster members lost their leader or quorum and kept trying to elect one',
    scenarios: ['network-partition'],
    patterns: [
      // etcd raft: raft.node: 8e9e05c52164694d lost leader 91bc3c398fb3c146 at term 5;
      // 8e9e05c52164694d is starting a new election at term 5 (once per election round)
      /\blost leader [0-9a-f]{1,16} at term \d+/,
      /\bis starting a new election at term \d+/,
      // etcd client errors: etcdserver: no leader
      /\betcdserver: no leader\b/,
      // Elasticsearch ClusterFormationFailureHelper on a master-eligible node without quorum, and
      // the block clients get: blocked by: [SERVICE_UNAVAILABLE/2/no master]
      /\bmaster not discovered or elected yet\b/,
      /\bSERVICE_UNAVAILABLE\/2\/no master\b/,
      // RabbitMQ: Mnesia(rabbit@b): ** ERROR ** mnesia_event got {inconsistent_database,
      // running_partitioned_network, rabbit@a}; Partial partition detected
      /\brunning_partitioned_network\b/,
      /\bPartial partition detected\b/,
      // Redis Cluster without a majority of masters: CLUSTERDOWN The cluster is down
      /\bCLUSTERDOWN The cluster is down\b/,
    ],
  },
  {
    id: 'packet-too-big',
    title: 'packets were larger than the path or interface could carry',
    scenarios: ['mtu-mismatch'],
    patterns: [
      // EMSGSIZE on send: Go "write udp 10.1.2.37:41235->10.0.0.9:8125: write: message too long",
      // ping "sendmsg: Message too long", Node.js "send EMSGSIZE", Python "[Errno 90] Message too long"
      /\b(?:write|sendmsg|sendto): message too long\b/i,
      /\bsend EMSGSIZE\b/,
      /\[Errno 90\] Message too long\b/,
      // ping -M do: "ping: local error: message too long, mtu=1450" and the router's answer
      // "Frag needed and DF set (mtu = 1492)"
      /\blocal error: message too long, mtu[=:] ?\d+/,
      /\bFrag needed and DF set\b/i,
      // tcpdump: ICMP host 10.0.3.1 unreachable - need to frag (mtu 1400); ICMP6, packet too big, mtu 1280
      /\bunreachable - need to frag\b/,
      /\bpacket too big, mtu \d+/i,
    ],
  },
  {
    id: 'tls-handshake-timeout',
    title: 'TLS handshakes timed out after the connection was made',
    scenarios: ['mtu-mismatch'],
    patterns: [
      // Go net/http: Get "https://...": net/http: TLS handshake timeout
      /\bTLS handshake timeout\b/,
      // Python ssl: _ssl.c:980: The handshake operation timed out
      /\bThe handshake operation timed out\b/,
    ],
  },
  {
    id: 'bgp-session-down',
    title: 'a BGP session went down',
    scenarios: ['bgp-route-flap'],
    patterns: [
      // Cisco IOS: %BGP-5-ADJCHANGE: neighbor 192.0.2.1 Down BGP Notification sent; FRR bgpd:
      // %ADJCHANGE: neighbor 10.0.0.1(spine-1) in vrf default Down Peer closed the session
      /%(?:BGP-5-)?ADJCHANGE: neighbor \S{1,80}(?: in vrf \S{1,64})? Down\b/,
      // Cisco: %BGP-3-NOTIFICATION: sent to neighbor 192.0.2.1 4/0 (hold time expired) 0 bytes;
      // FRR (Hold Timer Expired); BIRD: Mesh_10_0_1_12: Error: Hold timer expired
      /\b(?:hold time|hold timer) expired\b/i,
      // BIRD (Calico's BGP daemon): a session that was up falls back to start
      /\bbird6?: \S{1,80}: State changed to start\b/,
    ],
  },
  {
    id: 'no-service-endpoints',
    title: 'a service name had no endpoints or instances to send calls to',
    scenarios: ['service-discovery-failure'],
    patterns: [
      // ingress-nginx: Service "shop/orders" does not have any active Endpoint.
      /\bdoes not have any active Endpoints?\b/,
      // grpc-go: rpc error: code = Unavailable desc = name resolver error: produced zero addresses
      /\bproduced zero addresses\b/,
      // grpc-java: UNAVAILABLE: NameResolver returned no usable address. addrs=[]
      /\bNameResolver returned no usable address\b/,
      // Spring Cloud LoadBalancer: No servers available for service: orders; Ribbon: Load
      // balancer does not have available server for client: orders
      /\bNo servers available for service\b/,
      /\bLoad balancer does not have available server for client\b/,
      // Eureka client: Cannot execute request on any known server; Consul agent: No known Consul servers
      /\bCannot execute request on any known server\b/,
      /\bNo known Consul servers\b/,
    ],
  },
  {
    id: 'sidecar-not-ready',
    title: 'a mesh sidecar proxy was not ready yet',
    scenarios: ['sidecar-startup-race'],
    patterns: [
      // Istio pilot-agent while Envoy waits for its configuration: Envoy proxy is NOT ready:
      // config not received from XDS server (is Istiod running?): cds updates: 0 successful, ...
      /\bEnvoy proxy is NOT ready\b/,
    ],
  },
  {
    id: 'volume-mount-failed',
    title: 'a volume could not be attached or mounted',
    scenarios: ['volume-mount-failure'],
    patterns: [
      // kubelet: MountVolume.SetUp failed for volume "config" : configmap "app-config" not found;
      // MountVolume.MountDevice failed for volume "pvc-..." ... — except the projected token
      // volume (kube-api-access-*), whose "not registered" failure is a harmless start-up race
      /\bMountVolume\.(?:SetUp|MountDevice|WaitForAttach) failed for volume "(?!kube-api-access-)/,
      // kubelet: Unable to attach or mount volumes for pod; skipping pod ... err="unmounted
      // volumes=[data], unattached volumes=[data kube-api-access-x7k2p]: timed out waiting for the condition"
      /\bUnable to attach or mount volumes\b/,
      /\bunmounted volumes=\[[^\]]{1,200}\], unattached volumes=/,
      // attach/detach controller: Multi-Attach error for volume "pvc-..." Volume is already
      // exclusively attached to one node and can't be attached to another
      /\bMulti-Attach error\b/,
      // CSI node plugin missing: driver name ebs.csi.aws.com not found in the list of registered CSI drivers
      /\bnot found in the list of registered CSI drivers\b/,
      // mount(8) helpers and Docker bind mounts
      /\bmount\.nfs4?: (?:Connection timed out|access denied by server while mounting)\b/,
      /\bwrong fs type, bad option, bad superblock on\b/,
      /\bbind source path does not exist\b/,
    ],
  },
  {
    id: 'ipsec-tunnel-down',
    title: 'an IPsec VPN peer stopped answering or refused the tunnel',
    scenarios: ['vpn-tunnel-down'],
    patterns: [
      // strongSwan: 13[IKE] <gw-aws|3> giving up after 5 retransmits; establishing IKE_SA failed, peer not responding
      /\bgiving up after \d+ retransmits\b/,
      /\bestablishing (?:IKE_SA|CHILD_SA) failed, peer not responding\b/,
      // strongSwan: received NO_PROPOSAL_CHOSEN notify error (also AUTHENTICATION_FAILED, TS_UNACCEPTABLE)
      /\breceived (?:NO_PROPOSAL_CHOSEN|AUTHENTICATION_FAILED|TS_UNACCEPTABLE) notify error\b/,
      // Libreswan: 60 second timeout exceeded after 7 retransmits; DPD: No response from peer - declaring peer dead
      /\btimeout exceeded after \d+ retransmits\b/,
      // AWS Site-to-Site VPN tunnel logs: Peer is not responsive - Declaring peer dead; AWS tunnel
      // payload decryption was unsuccessful due to invalid Pre-shared Key; No Proposal Match Found
      /\bdeclaring peer dead\b/i,
      /\bpayload decryption was unsuccessful due to invalid Pre-shared Key\b/,
      /\bNo Proposal Match Found\b/,
      // AWS VgwTelemetry status message
      /\bIPSEC IS DOWN\b/,
    ],
  },
];

/** The families whose patterns match a text. */
export function familiesOf(text: string): KnownFailureFamily[] {
  return KNOWN_FAILURES.filter((family) => family.patterns.some((pattern) => pattern.test(text)));
}
