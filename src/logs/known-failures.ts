// Known failure messages, grouped in families, as data: each family names the catalog scenarios
// it points to and the messages real software writes for it (taken from the software's sources
// and documentation). They are matched against template samples (the real text of a record),
// templates and stack-trace causes.
//
// The patterns are written so that matching stays linear in the text: no `.*` or `.+` (a bounded
// `.{0,n}` where text varies), no quantified group, alternations of literals only
// (test/logs/known-failures.test.ts checks this on the pattern sources).

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
  {
    id: 'transaction-log-full',
    title: 'the database could not write its transaction log because the log space was full',
    scenarios: ['transaction-log-full'],
    patterns: [
      // PostgreSQL: PANIC:  could not write to file "pg_wal/xlogtemp.4242": No space left on device
      // (pg_xlog before version 10), and the same for creating a new segment
      /\bcould not (?:write to|create|extend) file "pg_(?:wal|xlog)\/[^"]{1,64}": No space left on device/,
      // PostgreSQL: PANIC:  could not write to log file 000000010000002A00000037 at offset 0, length 8192: No space left on device
      /\bcould not write to log file [0-9A-F]{24} at offset \d+, length \d+: No space left on device/,
      // SQL Server error 9002: The transaction log for database 'Sales' is full due to 'LOG_BACKUP'.
      /\bThe transaction log for database ['"\u201c][^'"\u201d]{1,128}['"\u201d] is full\b/,
      // SQL Server error 3619: Could not write a checkpoint record in database ID 7 because the log is out of space.
      /\bbecause the log is out of space\b/,
      // MySQL: Disk is full writing './binlog.000123' (OS errno 28 - No space left on device). Waiting for someone to free space...
      /\bDisk is full writing '[^']{0,200}bin(?:log)?\.\d{6}'/,
    ],
  },
  {
    id: 'wal-archive-failed',
    title: 'the database could not archive its write-ahead log',
    scenarios: ['transaction-log-full'],
    patterns: [
      // PostgreSQL archiver: LOG:  archive command failed with exit code 1
      /\barchive command failed with exit code \d+/,
      /\barchive command was terminated by signal \d+/,
      // WARNING:  archiving write-ahead log file "000000010000002A00000037" failed too many times, will try again later
      // (before version 10: archiving transaction log file ...)
      /\barchiving (?:write-ahead|transaction) log file "[^"]{1,80}" failed too many times\b/,
    ],
  },
  {
    id: 'data-file-full',
    title: 'database data files could not grow because their disk was full',
    scenarios: ['disk-space-exhausted'],
    patterns: [
      // PostgreSQL: ERROR:  could not extend file "base/16384/24576": No space left on device
      /\bcould not extend file "(?:base|global|pg_tblspc)\/[^"]{1,120}": No space left on device/,
      // MySQL: ERROR 1114 (HY000): The table 'orders' is full
      /\bThe table '[^']{1,200}' is full\b/,
    ],
  },
  {
    id: 'key-space-exhausted',
    title: 'a table ran out of primary key values',
    scenarios: ['primary-key-overflow'],
    patterns: [
      // PostgreSQL: ERROR:  nextval: reached maximum value of sequence "orders_id_seq" (2147483647)
      /\bnextval: reached maximum value of sequence "[^"]{1,128}"/,
      // MySQL: ERROR 1467 (HY000): Failed to read auto-increment value from storage engine
      /\bFailed to read auto-increment value from storage engine\b/,
      /\bER_AUTOINC_READ_FAILED\b/,
      // MySQL at the INT (or INT UNSIGNED, BIGINT) maximum: Duplicate entry '2147483647' for key 'orders.PRIMARY'
      /\bDuplicate entry '(?:2147483647|4294967295|9223372036854775807|18446744073709551615)' for key '(?:[^']{1,64}\.)?PRIMARY'/,
      // SQL Server error 8115: Arithmetic overflow error converting IDENTITY to data type int.
      /\bArithmetic overflow error converting IDENTITY to data type\b/,
    ],
  },
  {
    id: 'integer-out-of-range',
    title: 'a value overflowed a 32-bit or 16-bit integer column',
    scenarios: ['primary-key-overflow'],
    patterns: [
      // PostgreSQL: ERROR:  integer out of range; smallint out of range
      /\b(?:integer|smallint) out of range\b/,
      // PostgreSQL: value "2147483648" is out of range for type integer
      /\bis out of range for type (?:integer|smallint)\b/,
    ],
  },
  {
    id: 'database-throttled',
    title: 'a managed database rejected requests over its provisioned throughput or resource limit',
    scenarios: ['database-throttling'],
    patterns: [
      // DynamoDB: ProvisionedThroughputExceededException: The level of configured provisioned
      // throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.
      /\bProvisionedThroughputExceeded(?:Exception)?\b/,
      /\bThe level of configured provisioned throughput for the table was exceeded\b/,
      // DynamoDB on-demand and per-partition limits
      /\bThroughput exceeds the current capacity of your table or index\b/,
      // Cosmos DB: Request rate is large. More Request Units may be needed, so no changes were made.
      /\bRequest rate is large\b/,
      /\bRequestRateTooLargeException\b/,
      // Azure SQL 10928: Resource ID : 1. The request limit for the database is 90 and has been reached.
      /\bThe \w{1,20} limit for the (?:database|elastic pool) is \d+ and has been reached\b/,
      // Azure SQL 10929: ... However, the server is currently too busy to support requests greater than 60 for this database.
      /\bthe server is currently too busy to support requests greater than \d+ for this database\b/,
      // Azure SQL 40501: The service is currently busy. Retry the request after 10 seconds.
      /\bThe service is currently busy\. Retry the request after \d+ seconds\b/,
    ],
  },
  {
    id: 'event-broker-unreachable',
    title: 'clients could not reach any broker of the message backbone, or it refused their events',
    scenarios: ['event-backbone-unavailable'],
    patterns: [
      // Kafka client, bootstrap node (negative id: no broker reachable to learn the cluster from):
      // Connection to node -1 (kafka:9092) could not be established. Broker may not be available.
      /\bConnection to node -\d+ \([^)]{0,200}\) could not be established\. (?:Broker|Node) may not be available\b/,
      // Kafka producer: Topic orders not present in metadata after 60000 ms.
      /\bTopic \S{1,249} not present in metadata after \d+ ms\b/,
      // Kafka producer: Expiring 14 record(s) for orders-3:120001 ms has passed since batch creation
      /\bExpiring \d+ record\(s\) for \S{1,260}: ?\d+ ms has passed since\b/,
      // Kafka: fewer in-sync replicas than min.insync.replicas
      /\bNotEnoughReplicas(?:AfterAppend)?Exception\b/,
      /\bMessages are rejected since there are fewer in-sync replicas than required\b/,
      // librdkafka: Local: All broker connections are down; 3/3 brokers are down
      /\bAll broker connections are down\b/,
      /\b\d+\/\d+ brokers are down\b/,
      // NATS: nats: no servers available for connection; JetStream API error 10008
      /\bnats: no servers available for connection\b/,
      /\bJetStream system temporarily unavailable\b/,
      // RabbitMQ clients: Spring AMQP AmqpConnectException, pika AMQPConnectionError
      /\bAmqpConnectException\b/,
      /\bAMQPConnectionError\b/,
      // Refused at the brokers' standard ports: AMQP 5672/5671, NATS 4222, Kafka 9092
      /\bECONNREFUSED \S{1,100}:(?:5671|5672|4222|9092)\b/,
      /:(?:5671|5672|4222|9092): connect: connection refused\b/,
    ],
  },
  {
    id: 'queue-full',
    title: 'a queue or stream at its limit refused new messages',
    scenarios: ['queue-backlog-overflow'],
    patterns: [
      // NATS JetStream with discard new: maximum messages exceeded / maximum bytes exceeded /
      // maximum messages per subject exceeded (API error 10077)
      /\bmaximum (?:messages|bytes|messages per subject) exceeded\b/,
      // Azure Service Bus: QuotaExceededException: The maximum entity size has been reached or exceeded for Queue: 'orders'
      /\bQuotaExceededException\b/,
      /\bThe maximum entity size has been reached or exceeded for (?:Queue|Topic)\b/,
      // ActiveMQ producer flow control: Usage Manager Memory Limit reached. Stopping producer (...) to prevent flooding queue://orders.
      /\bUsage Manager (?:Memory|Store|Temp(?:orary)?) Limit reached\b/i,
    ],
  },
  {
    id: 'broker-resource-alarm',
    title: 'a message broker blocked its publishers on a memory or disk alarm',
    scenarios: ['queue-backlog-overflow', 'event-backbone-unavailable'],
    patterns: [
      // RabbitMQ's banner after "memory resource limit alarm set on node 'rabbit@rabbit-0'.":
      // *** Publishers will be blocked until this alarm clears ***
      // (the alarm line itself is not used: its template is shared with "alarm cleared on node")
      /\bPublishers will be blocked until this alarm clears\b/,
    ],
  },
  {
    id: 'ilm-rollover-failed',
    title: 'index lifecycle management could not roll an index over',
    scenarios: ['elasticsearch-rollover-stuck'],
    patterns: [
      // Elasticsearch ILM: policy [logs] for index [logs-000001] failed on step
      // [{"phase":"hot","action":"rollover","name":"check-rollover-ready"}]. Moving to ERROR step
      /\bfailed on (?:cluster state )?step \[\{"phase":"\w{1,20}","action":"rollover","name":"[\w-]{1,40}"\}\]/,
      // The reasons ILM gives for it
      /\bindex\.lifecycle\.rollover_alias \[[^\]]{0,255}\] does not point to index \[/,
      /\bsetting \[index\.lifecycle\.rollover_alias\] for index \[[^\]]{1,255}\] is empty or not defined\b/,
      /\bindex name \[[^\]]{1,255}\] does not match pattern '\^\.\*-\\d\+\$'/,
      /\brollover target \[[^\]]{1,255}\] does not point to a write index\b/,
      /\bindex \[[^\]]{1,255}\] is not the write index for alias \[/,
    ],
  },
  {
    id: 'tsdb-compaction-failed',
    title: 'a Prometheus or Thanos TSDB compaction failed',
    scenarios: ['prometheus-compaction-failure'],
    patterns: [
      // Prometheus: level=error component=tsdb msg="compaction failed" err="compact head: persist head block: ..."
      // (Thanos's compactor writes the same message)
      /\bcompaction failed\b/,
      // Thanos compactor errors: ... pre compaction overlap check: overlaps found while gathering blocks
      /\bpre compaction overlap check\b/,
      // The stages of a failing Prometheus compaction, as its errors name them
      /\bcompact head: persist head block\b/,
      /\bWAL truncation in Compact\b/,
    ],
  },
  {
    id: 'log-shipper-overloaded',
    title: 'a log shipper paused its inputs or dropped records because its buffer was full',
    scenarios: ['log-shipper-backpressure'],
    patterns: [
      // Fluent Bit: [ warn] [input] tail.0 paused (mem buf overlimit); (storage buf overlimit)
      /\bpaused \((?:mem|storage) buf overlimit\)/,
      // Fluent Bit, retries exhausted and the chunk dropped:
      // [engine] chunk '1-1645042288.260516436.flb' cannot be retried: task_id=0, input=tail.0 > output=loki.0
      /\bchunk '[^']{1,80}' cannot be retried\b/,
      // Fluentd: emit transaction failed: error_class=Fluent::Plugin::Buffer::BufferOverflowError error="buffer space has too many data"
      /\bBufferOverflowError\b/,
      /\bbuffer space has too many data\b/,
      /\bfailed to write data into buffer by buffer overflow\b/,
    ],
  },
  {
    id: 'log-shipper-retrying',
    title: 'a log shipper retried flushes its destination did not take',
    scenarios: ['log-shipper-backpressure'],
    patterns: [
      // Fluent Bit: [engine] failed to flush chunk '1-1647467985.551788815.flb', retry in 9 seconds: task_id=0, ...
      /\bfailed to flush chunk '[^']{1,80}', retry in \d+ seconds\b/,
      // Fluentd: failed to flush the buffer. retry_times=0 next_retry_time=...
      /\bfailed to flush the buffer\. retry_times=\d+/,
    ],
  },
  {
    id: 'log-store-read-only',
    title: 'a log store made its indices read-only because its disk passed the flood stage',
    scenarios: ['log-storage-exhaustion'],
    patterns: [
      // Elasticsearch DiskThresholdMonitor: flood stage disk watermark [95%] exceeded on [...] free: 4.1gb[4.1%],
      // all indices on this node will be marked read-only
      /\bflood stage disk watermark \[[^\]]{1,20}\] exceeded on\b/,
      // Writes refused: index [logs-000041] blocked by: [TOO_MANY_REQUESTS/12/disk usage exceeded flood-stage
      // watermark, index has read-only-allow-delete block]; before 7.x: [FORBIDDEN/12/index read-only / allow delete (api)]
      /\bdisk usage exceeded flood-stage watermark, index has read-only-allow-delete block\b/,
      /\bFORBIDDEN\/12\/index read-only \/ allow delete \(api\)/,
    ],
  },
  {
    id: 'disk-watermark-high',
    title: 'a log store passed its high disk watermark',
    scenarios: ['log-storage-exhaustion'],
    patterns: [
      // Elasticsearch: high disk watermark [90%] exceeded on [...], shards will be relocated away from this node
      /\bhigh disk watermark \[[^\]]{1,20}\] exceeded on\b/,
    ],
  },
  {
    id: 'receipt-handle-expired',
    title: 'a consumer acknowledged a message after its visibility timeout had expired',
    scenarios: ['visibility-timeout-exceeded'],
    patterns: [
      // SQS DeleteMessage: Value AQEB... for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.
      /\bThe receipt handle has expired\b/,
      /\bReceiptHandleIsInvalid(?:Exception)?\b/,
      // SQS ChangeMessageVisibility after the timeout: Message does not exist or is not available for visibility timeout change.
      /\bis not available for visibility timeout change\b/,
    ],
  },
  {
    id: 'compactor-halted',
    title: 'the Thanos compactor halted on a critical error',
    scenarios: ['prometheus-compaction-failure'],
    patterns: [
      // Thanos: msg="critical error detected; halting" err="compaction: ... pre compaction overlap check: ..."
      /\bcritical error detected; halting\b/,
    ],
  },
  {
    id: 'session-state-missing',
    title: 'requests arrived at a backend that does not hold their session',
    scenarios: ['sticky-session-failure'],
    patterns: [
      // engine.io (Socket.IO): HTTP 400 {"code":1,"message":"Session ID unknown"}
      /\bSession ID unknown\b/,
      // csurf (Express): ForbiddenError: invalid csrf token (code EBADCSRFTOKEN); Spring Security:
      // Invalid CSRF token found for http://...; Laravel: CSRF token mismatch.
      /\binvalid csrf token\b/i,
      /\bEBADCSRFTOKEN\b/,
      /\bCSRF token mismatch\b/i,
      // Django (django.security.csrf): Forbidden (CSRF token from POST incorrect.): /checkout/
      /\bForbidden \(CSRF (?:token|cookie)\b/,
      // Spring Security OAuth2 login: the authorization request was saved in another instance's session
      /\[authorization_request_not_found\]/,
    ],
  },
  {
    id: 'function-timed-out',
    title: 'a serverless function ran until its platform timeout stopped it',
    scenarios: ['function-timeout'],
    patterns: [
      // AWS Lambda: 2024-03-12T14:11:03.412Z f2704689-7aa3-4af3-ac88-857c01c4bd45 Task timed out after 30.03 seconds
      /\bTask timed out after \d{1,4}\.\d{2} seconds\b/,
      // Lambda's REPORT line of an invocation stopped at its limit ends in "Status: timeout"; the
      // invoke error is {"errorType":"Sandbox.Timedout", ...}
      /\bBilled Duration: \d{1,7} ms\b[^\n]{0,200}\bStatus: timeout\b/,
      /\bSandbox\.Timedout\b/,
      // Azure Functions host: Timeout value of 00:05:00 exceeded by function 'Functions.Resize' (Id: '...'). Initiating cancellation.
      // (the exception form: Timeout value of 00:05:00 was exceeded by function: Functions.Resize)
      /\bTimeout value of \d{2}:\d{2}:\d{2} (?:was )?exceeded by function\b/,
      // Google Cloud Functions: Function execution took 60003 ms, finished with status: 'timeout'
      /\bfinished with status: 'timeout'/,
    ],
  },
  {
    id: 'function-throttled',
    title: 'a serverless platform refused invocations over its concurrency limit',
    scenarios: ['serverless-throttling'],
    patterns: [
      // AWS Lambda's throttle reasons in the TooManyRequestsException body:
      // {"Reason":"ReservedFunctionConcurrentInvocationLimitExceeded","Type":"User","message":"Rate Exceeded."}
      /\b(?:ReservedFunctionConcurrentInvocationLimitExceeded|ConcurrentInvocationLimitExceeded|ReservedFunctionInvocationRateLimitExceeded|FunctionInvocationRateLimitExceeded)\b/,
      // botocore: An error occurred (TooManyRequestsException) when calling the Invoke operation (reached max retries: 4): Rate Exceeded.
      /\(TooManyRequestsException\) when calling the Invoke(?:WithResponseStream|Async)? operation\b/,
    ],
  },
  {
    id: 'log-parse-failed',
    title: 'a log pipeline could not parse the records it received',
    scenarios: ['log-parsing-errors'],
    patterns: [
      // Fluent Bit: [ warn] [parser:k8s-nginx] invalid time format %d/%b/%Y:%H:%M:%S %z for '2024-03-12T14:11:02Z'
      /\[parser:[\w.-]{1,64}\] invalid time format\b/i,
      // Fluentd: dump an error event: error_class=Fluent::Plugin::Parser::ParserError error="pattern not matched with data '...'"
      // and in_tail's own: pattern not matched: "..."
      /\bpattern not matched with data\b/,
      /\bpattern not matched: "/,
      // Logstash: Could not index event to Elasticsearch. {:status=>400, ... "type"=>"mapper_parsing_exception",
      // "reason"=>"failed to parse field [status] of type [long] in document with id '...'"
      /\bmapper_parsing_exception\b/,
      /\bfailed to parse field \[[^\]]{1,200}\] of type \[/,
      // Logstash json filter: Error parsing json {:source=>"message", :raw=>"...", :exception=>#<LogStash::Json::ParserError: ...>}
      /\bError parsing json\b/,
      // Events tagged by failed Logstash filters
      /\b_(?:grokparsefailure|jsonparsefailure|dateparsefailure)\b/,
      // Vector remap: Mapping failed with event. error="function call error for \"parse_json\" at (4:28): unable to parse json: ..."
      /\bfunction call error for \\?"parse_[a-z_]{1,30}\\?" at \(/,
      // Loki's parser stages label the lines they failed on
      /\b(?:JSONParserErr|LogfmtParserErr)\b/,
    ],
  },
  {
    id: 'log-store-unreachable',
    title: 'a log shipper could not deliver to the log store, which refused or did not answer',
    scenarios: ['log-pipeline-failure'],
    patterns: [
      // Fluent Bit out_es/out_http: [error] [output:es:es.0] HTTP status=503 URI=/_bulk, response: ...
      /\[output:[\w.-]{1,40}:[\w.-]{1,40}\] HTTP status=(?:5\d\d|429) URI=/,
      // Fluent Bit, no connection to the store: [error] [output:es:es.0] no upstream connections available
      /\bno upstream connections available\b/,
      // Promtail / Grafana Alloy loki.write: msg="error sending batch, will retry" status=503 error="server returned HTTP status 503 ..."
      // and, once retries run out, msg="final error sending batch"
      /\berror sending batch, will retry\b/,
      /\bfinal error sending batch\b/,
      // Elasticsearch bulk rejections: es_rejected_execution_exception (write thread pool queue full)
      /\bes_rejected_execution_exception\b/,
    ],
  },
  {
    id: 'flag-evaluation-failed',
    title: 'feature flag evaluations failed and served the default value',
    scenarios: ['feature-flag-misconfiguration'],
    patterns: [
      // LaunchDarkly server and client SDKs: Unknown feature flag "new-checkout"; returning default value
      /\bUnknown feature flag "[^"]{1,200}"; returning default value\b/,
      // OpenFeature SDKs (Java, Swift: "... with key new-checkout due to exception ..."; Python: "...with key: 'x'")
      /\bUnable to correctly evaluate flag with key\b/,
      // OpenFeature error codes an evaluation reports with the default it served
      /\b(?:FLAG_NOT_FOUND|TYPE_MISMATCH|PROVIDER_NOT_READY)\b/,
    ],
  },
];

/** The families whose patterns match a text. */
export function familiesOf(text: string): KnownFailureFamily[] {
  return KNOWN_FAILURES.filter((family) => family.patterns.some((pattern) => pattern.test(text)));
}

// Every family's messages as two expressions (the case-sensitive ones and the others), so that
// asking whether a line says any known failure is two passes over it, not one per message. The
// word boundary most messages start with is tested once for all of them, which halves the work.
const combined = (ignoreCase: boolean): RegExp | undefined => {
  const sources = KNOWN_FAILURES.flatMap((family) =>
    family.patterns.filter((p) => p.ignoreCase === ignoreCase).map((p) => p.source),
  );
  if (sources.length === 0) return undefined;
  const atWord = sources.filter((s) => s.startsWith('\\b')).map((s) => `(?:${s.slice(2)})`);
  const others = sources.filter((s) => !s.startsWith('\\b')).map((s) => `(?:${s})`);
  const alternatives = [...(atWord.length > 0 ? [`\\b(?:${atWord.join('|')})`] : []), ...others];
  return new RegExp(alternatives.join('|'), ignoreCase ? 'i' : '');
};
const ANY_CASE_SENSITIVE = combined(false);
const ANY_IGNORING_CASE = combined(true);

/** Whether a text says a failure of any known family. */
export function saysKnownFailure(text: string): boolean {
  return (ANY_CASE_SENSITIVE?.test(text) ?? false) || (ANY_IGNORING_CASE?.test(text) ?? false);
}
