import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/loader.js';
import { isErrorLine } from '../../src/gather/tool-output/lines.js';
import { familiesOf, KNOWN_FAILURES, saysKnownFailure } from '../../src/logs/known-failures.js';
import { signalDefinition } from '../../src/signals/registry.js';

// Real messages of each family (from the software's sources and documentation) and the near
// misses that must not count.
const EXAMPLES: Record<string, { match: string[]; miss: string[] }> = {
  'out-of-memory': {
    match: [
      'java.lang.OutOfMemoryError: Java heap space',
      'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
      'fatal error: runtime: out of memory',
      'MemoryError',
    ],
    miss: ['JVM flags: -XX:+ExitOnOutOfMemoryError -XX:MaxRAMPercentage=75', 'memory usage 512 MiB of 1 GiB'],
  },
  'oom-killed': {
    match: [
      'Memory cgroup out of memory: Killed process 4412 (java) total-vm:4823412kB, anon-rss:1046220kB',
      'Out of memory: Killed process 1234 (postgres) total-vm:812kB',
      'java invoked oom-killer: gfp_mask=0xcc0(GFP_KERNEL), order=0, oom_score_adj=999',
      'Container api in pod shop/api-1 was terminated: reason OOMKilled, exit code 137',
    ],
    miss: [
      '"Killing container with a grace period" pod="shop/api-1" gracePeriod=30',
      'oom_score_adj set to -998 for kubelet',
    ],
  },
  'network-unreachable': {
    match: [
      'dial tcp 10.20.4.17:5432: connect: no route to host',
      'connect ENETUNREACH 10.1.2.3:443',
      'socket: Network is unreachable',
    ],
    miss: ['route added: 10.20.0.0/16 via 10.0.0.1'],
  },
  'connect-timeout': {
    match: [
      'java.net.SocketTimeoutException: connect timed out',
      'dial tcp 10.20.4.17:5432: i/o timeout',
      'connect ETIMEDOUT 10.0.7.3:443',
      'upstream timed out (110: Connection timed out) while connecting to upstream, client: 10.0.1.2',
    ],
    miss: ['read tcp 10.0.3.14:5512->10.0.7.3:6379: i/o timeout', 'connect timeout set to 5s'],
  },
  'connection-refused': {
    match: [
      'dial tcp 10.0.7.3:6379: connect: connection refused',
      'Error: connect ECONNREFUSED 127.0.0.1:5432',
    ],
    miss: ['connection accepted from 10.0.1.4:5123'],
  },
  'connection-reset': {
    match: [
      'read: connection reset by peer',
      'java.net.SocketException: Connection reset',
      'Error: socket hang up',
    ],
    miss: ['password reset email sent'],
  },
  timeout: {
    match: [
      'java.net.SocketTimeoutException: Read timed out',
      'job 6f1c failed: context deadline exceeded',
      'read tcp 10.0.3.14:5512->10.0.7.3:6379: i/o timeout',
      'net/http: request canceled (Client.Timeout exceeded while awaiting headers)',
      'GET /api/orders HTTP/1.1 504 Gateway Timeout',
    ],
    miss: ['request served in 12ms', 'http client timeout set to 30s'],
  },
  'too-many-connections': {
    match: [
      'sorry, too many clients already',
      'remaining connection slots are reserved for non-replication superuser connections',
      'remaining connection slots are reserved for roles with the SUPERUSER attribute',
      'ERROR 1040 (HY000): Too many connections',
      'ERR max number of clients reached',
    ],
    miss: ['max_connections = 200'],
  },
  'pool-exhausted': {
    match: [
      'HikariPool-1 - Connection is not available, request timed out after 30000ms.',
      'KnexTimeoutError: Knex: Timeout acquiring a connection. The pool is probably full.',
      'timeout exceeded when trying to connect',
      'QueuePool limit of size 5 overflow 10 reached, connection timed out, timeout 30.00',
      'Timeout: Pool empty. Unable to fetch a connection in 30 seconds, none available[size:100; busy:100; idle:0; lastwait:30000].',
    ],
    miss: [
      'HikariPool-1 - Pool stats (total=10, active=3, idle=7, waiting=0)',
      'HikariPool-1 - Start completed.',
    ],
  },
  deadlock: {
    match: [
      'deadlock detected',
      'Deadlock found when trying to get lock; try restarting transaction',
      'Transaction (Process ID 52) was deadlocked on lock resources with another process and has been chosen as the deadlock victim. Rerun the transaction.',
    ],
    miss: [
      'deadlock detection enabled with deadlock_timeout = 1s',
      'process 2334 still waiting for ShareLock on transaction 9123 after 1000.042 ms',
    ],
  },
  'lock-wait-timeout': {
    match: [
      'Lock wait timeout exceeded; try restarting transaction',
      'canceling statement due to lock timeout',
    ],
    miss: ['lock_timeout = 5s'],
  },
  'certificate-expired': {
    match: [
      'x509: certificate has expired or is not yet valid: current time 2024-03-12T14:11:00Z is after 2024-03-12T14:10:59Z',
      'SSL_do_handshake() failed (SSL: error:0A000086:SSL routines::certificate verify failed:certificate has expired) while SSL handshaking to upstream',
      'java.security.cert.CertificateExpiredException: NotAfter: Tue Mar 12 14:10:59 UTC 2024',
      'Error: certificate has expired (CERT_HAS_EXPIRED)',
    ],
    miss: [
      'certificate will expire soon days_left=60',
      'renewed certificate for shop.example.com, expires 2024-06-10',
    ],
  },
  'certificate-untrusted': {
    match: [
      'x509: certificate signed by unknown authority',
      'PKIX path building failed: sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification path to requested target',
      '[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: unable to get local issuer certificate (_ssl.c:1006)',
      'Error: self-signed certificate in certificate chain',
      'Error: unable to verify the first certificate (UNABLE_TO_VERIFY_LEAF_SIGNATURE)',
    ],
    miss: ['loaded 142 CA certificates from /etc/ssl/certs/ca-certificates.crt'],
  },
  'no-space-left': {
    match: [
      'could not extend file "base/16384/24576": No space left on device',
      'ENOSPC: no space left on device, write',
      "ERROR 1114 (HY000): The table 'orders' is full",
    ],
    miss: ['WAL volume /var/lib/postgresql/data is 85% full'],
  },
  'read-only-filesystem': {
    match: [
      "OSError: [Errno 30] Read-only file system: '/data/x.bin'",
      'open /var/lib/app/state: read-only file system',
      'Error: EROFS: read-only file system, open',
    ],
    miss: [
      'EXT4-fs (sdb1): mounted filesystem with ordered data mode',
      'Mounted snapshot at /mnt/backup (ro,noload)',
    ],
  },
  'too-many-open-files': {
    match: ['accept4: too many open files; retrying in 5ms', 'Error: EMFILE: too many open files, open'],
    miss: ['ulimit -n 65536'],
  },
  'rate-limited': {
    match: [
      'GET /api/catalog HTTP/1.1 429 Too Many Requests',
      'limiting requests, excess: 20.520 by zone "api", client: 10.0.0.1',
      'ThrottlingException: Rate exceeded',
      'rate limit exceeded for key abc',
    ],
    miss: ['rate limiter configured: 100 requests per second', 'cgroup cpu throttled for 120ms'],
  },
  'dns-failure': {
    match: [
      'dial tcp: lookup postgres.orders.svc.cluster.local on 10.96.0.10:53: no such host',
      'dial tcp: lookup postgres.orders.svc.cluster.local on 10.96.0.10:53: server misbehaving',
      'getaddrinfo ENOTFOUND db.internal',
      'getaddrinfo EAI_AGAIN inventory.shop.svc.cluster.local',
      'java.net.UnknownHostException: db.internal',
      'Temporary failure in name resolution',
      'api.example.com could not be resolved (3: Host not found)',
    ],
    miss: ['resolved database address host=postgres.orders.svc.cluster.local addrs=1'],
  },
  'circuit-open': {
    match: [
      "CircuitBreaker 'inventory' is OPEN and does not permit further calls",
      "CircuitBreaker 'inventory' changed state from CLOSED to OPEN",
      'Hystrix circuit short-circuited and is OPEN',
      'Error: Breaker is open',
      'The circuit is now open and is not allowing calls.',
    ],
    miss: [
      "CircuitBreaker 'inventory' configured: failureRateThreshold=50",
      "CircuitBreaker 'inventory' changed state from OPEN to HALF_OPEN",
    ],
  },
  'upstream-5xx': {
    match: [
      'upstream timed out (110: Connection timed out) while reading response header from upstream, client: 10.0.0.1',
      'no live upstreams while connecting to upstream, client: 10.0.0.1',
      'connect() failed (111: Connection refused) while connecting to upstream, client: 10.0.0.1',
      'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
      'GET /api/orders HTTP/1.1 502 Bad Gateway',
    ],
    miss: ['GET /api/orders HTTP/1.1 200 OK', 'an upstream response is buffered to a temporary file'],
  },
  'replication-error': {
    match: [
      'could not receive data from WAL stream: ERROR:  requested WAL segment 000000010000002A0000003C has already been removed',
      'terminating walsender process due to replication timeout',
      "Replica I/O for channel '': error connecting to source 'repl@10.0.0.5:3306' - retry-time: 60 retries: 1",
    ],
    miss: ['started streaming WAL from primary at 2A/3C000000 on timeline 1'],
  },
  'recovery-conflict': {
    match: ['canceling statement due to conflict with recovery'],
    miss: ['recovery restart point at 2A/3C000000'],
  },
  'xid-wraparound': {
    match: [
      'database "orders" must be vacuumed within 10985967 transactions',
      'database is not accepting commands to avoid wraparound data loss in database "orders"',
      'database is not accepting commands that assign new transaction IDs to avoid wraparound data loss in database "orders"',
    ],
    miss: [
      'automatic aggressive vacuum to prevent wraparound of table "orders.public.events": index scans: 1',
    ],
  },
  'disk-quota': {
    match: ["OSError: [Errno 122] Disk quota exceeded: '/home/u/x'", 'write /data/x: disk quota exceeded'],
    miss: ['Quota for /home/uploads at 41.2 GiB of 50 GiB (82%)'],
  },
  'thread-pool-exhausted': {
    match: [
      'All threads (200) are currently busy, waiting. Increase maxThreads (200) or check the servlet status',
      'java.util.concurrent.RejectedExecutionException: Task java.util.concurrent.FutureTask@5b1d2887 rejected from java.util.concurrent.ThreadPoolExecutor@46f5f779[Running, pool size = 10, active threads = 10, queued tasks = 100, completed tasks = 5]',
      'WORKER TIMEOUT (pid:47)',
      'Thread Thread[vert.x-eventloop-thread-0,5,main] has been blocked for 2500 ms, time limit is 2000 ms',
    ],
    miss: ['Autorestarting worker after current request.', 'Booting worker with pid: 52'],
  },
  'cuda-out-of-memory': {
    match: [
      'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB. GPU 0 has a total capacity of 39.38 GiB of which 1.12 GiB is free.',
      'RuntimeError: CUDA out of memory. Tried to allocate 512.00 MiB (GPU 0; 15.78 GiB total capacity; 14.10 GiB already allocated; 86.75 MiB free; 14.40 GiB reserved in total by PyTorch)',
      'RuntimeError: CUDA error: out of memory',
      'tensorflow.python.framework.errors_impl.ResourceExhaustedError: OOM when allocating tensor with shape[64,4096,4096] and type float on /job:localhost/replica:0/task:0/device:GPU:0 by allocator GPU_0_bfc',
      'ValueError: No available memory for the cache blocks. Try increasing `gpu_memory_utilization` when initializing the engine.',
    ],
    miss: [
      'numpy._core._exceptions._ArrayMemoryError: Unable to allocate 3.73 GiB for an array with shape (976000, 1024) and data type float32',
      'MemoryError',
      'torch.cuda.memory_allocated() = 35.6 GiB after warm-up',
    ],
  },
  'kubelet-eviction-memory': {
    match: [
      'I0614 10:52:11.482113    2345 eviction_manager.go:366] "Eviction manager: attempting to reclaim" resourceName="memory"',
      'I0614 10:52:11.482950    2345 eviction_manager.go:377] "Eviction manager: must evict pod(s) to reclaim" resourceName="memory"',
      'W1016 09:50:55.056703 17144 eviction_manager.go:331] eviction manager: attempting to reclaim memory',
      'The node was low on resource: memory. Threshold quantity: 100Mi, available: 85Mi. Container app was using 1.8Gi, request is 512Mi, has larger consumption of memory.',
    ],
    miss: [
      '"Eviction manager: attempting to reclaim" resourceName="ephemeral-storage"',
      'I0614 10:40:01.000000    2345 eviction_manager.go:292] "Eviction manager: synchronize housekeeping"',
      'Memory cgroup out of memory: Killed process 4412 (java)',
    ],
  },
  'kubelet-eviction-storage': {
    match: [
      'I0617 16:18:42.080925 3814777 eviction_manager.go:381] "Eviction manager: attempting to reclaim" resourceName="ephemeral-storage"',
      'I1016 09:50:55.057322 17144 eviction_manager.go:345] eviction manager: must evict pod(s) to reclaim nodefs',
      'The node was low on resource: ephemeral-storage. Threshold quantity: 10Gi, available: 9Gi. Container app was using 9Gi, request is 0, has larger consumption of ephemeral-storage.',
      'Container app exceeded its local ephemeral storage limit "1Gi".',
      'Pod ephemeral local storage usage exceeds the total limit of containers 2Gi.',
    ],
    miss: [
      '"Eviction manager: attempting to reclaim" resourceName="memory"',
      'could not write to file "pg_wal/xlogtemp.123": No space left on device',
    ],
  },
  'credential-expired': {
    match: [
      'operation error SQS: SendMessage, https response error StatusCode: 403, RequestID: 5c1e, api error ExpiredToken: The security token included in the request is expired',
      'ExpiredTokenException: The security token included in the request is expired',
      'TokenExpiredError: jwt expired',
      'jwt.exceptions.ExpiredSignatureError: Signature has expired',
      'An error occurred while attempting to decode the Jwt: Jwt expired at 2024-03-12T14:11:00Z',
      'IDX10223: Lifetime validation failed. The token is expired. ValidTo: 03/12/2024 14:11:00',
      'Bearer error="invalid_token", error_description="The access token expired"',
      '{"error":"invalid_grant","error_description":"Token has been expired or revoked."}',
      'FATAL:  password authentication failed for user "orders"',
    ],
    miss: [
      'access token refreshed, expires in 3600s',
      '{"error":"invalid_grant","error_description":"Invalid authorization code"}',
      'User: arn:aws:sts::123456789012:assumed-role/app/i-0ab is not authorized to perform: sqs:SendMessage',
      'x509: certificate has expired or is not yet valid',
    ],
  },
  'plaintext-rejected-by-mtls': {
    match: [
      '[2024-03-12T14:11:02.114Z] "- - -" 0 NR filter_chain_not_found - "-" 0 0 0 - "-" "-" "-" "-" "-" - - 10.1.2.3:8080 10.1.2.1:45678 - -',
      'Readiness probe failed: Get "http://10.1.2.3:8080/ready": read tcp 10.1.2.1:45678->10.1.2.3:8080: read: connection reset by peer',
      'I0312 14:11:02.114512    2345 prober.go:107] "Probe failed" probeType="Liveness" pod="shop/orders-7d9c" podUID="b02" containerName="orders" probeResult="failure" output="Get \\"http://10.1.2.3:8080/live\\": read tcp 10.1.2.1:45678->10.1.2.3:8080: read: connection reset by peer"',
    ],
    miss: [
      'Readiness probe failed: Get "http://10.1.2.3:8080/ready": dial tcp 10.1.2.3:8080: connect: connection refused',
      'Liveness probe failed: Get "http://10.1.2.3:8080/live": context deadline exceeded (Client.Timeout exceeded while awaiting headers)',
      'upstream connect error or disconnect/reset before headers. reset reason: connection failure, transport failure reason: TLS error: 268435581:SSL routines:OPENSSL_internal:CERTIFICATE_VERIFY_FAILED',
    ],
  },
  'quorum-lost': {
    match: [
      'raft.node: 8e9e05c52164694d lost leader 91bc3c398fb3c146 at term 5',
      '8e9e05c52164694d is starting a new election at term 5',
      'etcdserver: no leader',
      'master not discovered or elected yet, an election requires at least 2 nodes with ids from [Qx8a, 7bYc], have only discovered non-quorum [{es-master-2}]',
      'blocked by: [SERVICE_UNAVAILABLE/2/no master];',
      'Mnesia(rabbit@b): ** ERROR ** mnesia_event got {inconsistent_database, running_partitioned_network, rabbit@a}',
      'CLUSTERDOWN The cluster is down',
    ],
    miss: [
      'raft.node: 8e9e05c52164694d elected leader 91bc3c398fb3c146 at term 6',
      'master node changed {previous [], current [{es-master-1}]}, term: 8, version: 1205',
      'master not discovered yet, this node has not previously joined a bootstrapped cluster',
    ],
  },
  'packet-too-big': {
    match: [
      'write udp 10.1.2.37:41235->10.96.0.20:8125: write: message too long',
      'ping: sendmsg: Message too long',
      'ping: local error: message too long, mtu=1450',
      'From 192.168.1.254 (192.168.1.254) icmp_seq=1 Frag needed and DF set (mtu = 1492)',
      'IP 10.0.3.1 > 10.1.2.37: ICMP 10.0.9.4 unreachable - need to frag (mtu 1400), length 556',
      'Error: send EMSGSIZE 10.96.0.20:8125',
    ],
    miss: [
      'RecordTooLargeException: The message is 1048712 bytes when serialized which is larger than 1048576',
      'grpc: received message larger than max (5242880 vs. 4194304)',
      'SMS rejected: message too long for a single segment',
    ],
  },
  'tls-handshake-timeout': {
    match: [
      'Get "https://api.partner.example/v1/rates": net/http: TLS handshake timeout',
      'ssl.SSLError: _ssl.c:980: The handshake operation timed out',
    ],
    miss: [
      'dial tcp 203.0.113.10:443: i/o timeout',
      'tls: failed to verify certificate: x509: certificate has expired',
    ],
  },
  'bgp-session-down': {
    match: [
      '%BGP-5-ADJCHANGE: neighbor 192.0.2.1 Down BGP Notification sent',
      '%ADJCHANGE: neighbor 10.0.0.1(spine-1) in vrf default Down Peer closed the session',
      '%BGP-3-NOTIFICATION: sent to neighbor 192.0.2.1 4/0 (hold time expired) 0 bytes',
      'bird: Mesh_10_0_1_12: Error: Hold timer expired',
      'bird: Mesh_10_0_1_12: State changed to start',
    ],
    miss: [
      '%BGP-5-ADJCHANGE: neighbor 192.0.2.1 Up',
      'bird: Mesh_10_0_1_12: State changed to up',
      '%LINEPROTO-5-UPDOWN: Line protocol on Interface GigabitEthernet0/1, changed state to down',
    ],
  },
  'no-service-endpoints': {
    match: [
      'W0312 14:11:02.123456       7 controller.go:1214] Service "shop/orders" does not have any active Endpoint.',
      'rpc error: code = Unavailable desc = name resolver error: produced zero addresses',
      'io.grpc.StatusRuntimeException: UNAVAILABLE: NameResolver returned no usable address. addrs=[], attrs={}',
      'No servers available for service: payments',
      'com.netflix.discovery.shared.transport.TransportException: Cannot execute request on any known server',
      'agent: failed to sync remote state: No known Consul servers',
    ],
    miss: [
      'dial tcp: lookup orders.shop.svc.cluster.local on 10.96.0.10:53: no such host',
      'upstream connect error or disconnect/reset before headers. reset reason: connection failure',
      'Service "shop/orders" endpoints updated: 3 ready',
    ],
  },
  'sidecar-not-ready': {
    match: [
      '2024-03-12T14:00:01.123456Z\twarn\tEnvoy proxy is NOT ready: config not received from XDS server (is Istiod running?): cds updates: 0 successful, 0 rejected; lds updates: 0 successful, 0 rejected',
    ],
    miss: ['2024-03-12T14:00:05.123456Z\tinfo\tEnvoy proxy is ready'],
  },
  'volume-mount-failed': {
    match: [
      'MountVolume.SetUp failed for volume "config" : configmap "app-config" not found',
      'Error: MountVolume.MountDevice failed for volume "pvc-5c1e" (UniqueName: "kubernetes.io/csi/ebs.csi.aws.com^vol-0a1b") pod "orders-db-0" (UID: "b02") : kubernetes.io/csi: attacher.MountDevice failed to create newCsiDriverClient: driver name ebs.csi.aws.com not found in the list of registered CSI drivers',
      'Unable to attach or mount volumes: unmounted volumes=[data], unattached volumes=[data kube-api-access-x7k2p]: timed out waiting for the condition',
      '"Error syncing pod, skipping" err="unmounted volumes=[data], unattached volumes=[data kube-api-access-x7k2p]: timed out waiting for the condition"',
      'Multi-Attach error for volume "pvc-5c1e" Volume is already exclusively attached to one node and can\'t be attached to another',
      'mount.nfs: Connection timed out',
      'Error response from daemon: invalid mount config for type "bind": bind source path does not exist: /srv/app/data',
    ],
    miss: [
      'MountVolume.SetUp failed for volume "kube-api-access-x7k2p" : object "shop"/"kube-root-ca.crt" not registered',
      'MountVolume.SetUp succeeded for volume "config" (UniqueName: "kubernetes.io/configmap/b02-config")',
      'failed to provision volume with StorageClass "gp3": rpc error: code = ResourceExhausted',
    ],
  },
  'ipsec-tunnel-down': {
    match: [
      'Mar 12 14:11:02 vpn-gw-1 charon: 13[IKE] <gw-aws|3> giving up after 5 retransmits',
      '13[IKE] establishing IKE_SA failed, peer not responding',
      '09[IKE] received NO_PROPOSAL_CHOSEN notify error',
      '"_tu-706-705" #1: STATE_V2_ESTABLISHED_IKE_SA: 60 second timeout exceeded after 7 retransmits.',
      '{"details":"Peer is not responsive - Declaring peer dead","ike_phase1_state":"down"}',
      'AWS tunnel payload decryption was unsuccessful due to invalid Pre-shared Key',
    ],
    miss: [
      '07[IKE] <gw-aws|3> deleting IKE_SA gw-aws[3] between 203.0.113.5[203.0.113.5]...52.1.2.3[52.1.2.3]',
      '11[IKE] <gw-aws|3> retransmit 1 of request with message ID 58',
      '08[IKE] <gw-aws|4> IKE_SA gw-aws[4] rekeyed between 203.0.113.5[203.0.113.5]...52.1.2.3[52.1.2.3]',
    ],
  },
  'transaction-log-full': {
    match: [
      'could not write to file "pg_wal/xlogtemp.4242": No space left on device',
      'could not write to log file 000000010000002A00000037 at offset 1638400, length 8192: No space left on device',
      "The transaction log for database 'Sales' is full due to 'LOG_BACKUP'.",
      "The transaction log for database 'Sales' is full. To find out why space in the log cannot be reused, see the log_reuse_wait_desc column in sys.databases",
      'Could not write a checkpoint record in database ID 7 because the log is out of space.',
      "[ERROR] [MY-000035] [Server] Disk is full writing './binlog.000006' (OS errno 28 - No space left on device). Waiting for someone to free space... Retry in 60 secs. Message reprinted in 600 secs.",
    ],
    miss: [
      'could not extend file "base/16384/24576": No space left on device',
      "Autogrow of file 'Sales_log' in database 'Sales' took 12813 milliseconds.  Consider using ALTER DATABASE to set a smaller FILEGROWTH for this file.",
      "Disk is full writing './shop/orders.ibd' (OS errno 28 - No space left on device)",
    ],
  },
  'wal-archive-failed': {
    match: [
      'archive command failed with exit code 1',
      'archiving write-ahead log file "000000010000002A00000037" failed too many times, will try again later',
      'archiving transaction log file "000000010000002A00000037" failed too many times, will try again later',
    ],
    miss: [
      'The failed archive command was: test ! -f /mnt/wal-archive/000000010000002A00000037',
      'checkpoint complete: wrote 412 buffers (2.5%); 0 WAL file(s) added, 6 removed, 0 recycled',
    ],
  },
  'data-file-full': {
    match: [
      'could not extend file "base/16384/24576": No space left on device',
      "ERROR 1114 (HY000): The table 'orders' is full",
    ],
    miss: ['could not write to file "pg_wal/xlogtemp.4242": No space left on device'],
  },
  'key-space-exhausted': {
    match: [
      'nextval: reached maximum value of sequence "orders_id_seq" (2147483647)',
      'ERROR 1467 (HY000): Failed to read auto-increment value from storage engine',
      "Duplicate entry '2147483647' for key 'orders.PRIMARY'",
      "Duplicate entry '4294967295' for key 'PRIMARY'",
      'Arithmetic overflow error converting IDENTITY to data type int.',
    ],
    miss: [
      "Duplicate entry 'anna.12@example.com' for key 'customers.email'",
      "Duplicate entry '2147483' for key 'orders.PRIMARY'",
      'sequence "orders_id_seq" is 81% used (1739461230 of 2147483647)',
    ],
  },
  'integer-out-of-range': {
    match: [
      'integer out of range',
      'value "2147483648" is out of range for type integer',
      'smallint out of range',
    ],
    miss: ['bigint out of range check passed', 'value 12 is within range'],
  },
  'database-throttled': {
    match: [
      'ProvisionedThroughputExceededException: The level of configured provisioned throughput for the table was exceeded. Consider increasing your provisioning level with the UpdateTable API.',
      'Throughput exceeds the current capacity of your table or index. DynamoDB is automatically scaling your table or index so please try again shortly.',
      'Request rate is large. More Request Units may be needed, so no changes were made. Please retry this request later.',
      'Resource ID : 1. The request limit for the database is 90 and has been reached.',
      'Resource ID : 1. The request minimum guarantee is 0, maximum limit is 60 and the current usage for the database is 60. However, the server is currently too busy to support requests greater than 60 for this database.',
      'The service is currently busy. Retry the request after 10 seconds. Incident ID: {F1B1C0D2}. Code: 4.',
    ],
    miss: [
      "Database 'uploads' on server 'uploads-sql-prod' is not currently available.  Please retry the connection later.",
      'UpdateTable carts: provisioned throughput raised to 400 WCU',
    ],
  },
  'event-broker-unreachable': {
    match: [
      '[Producer clientId=producer-1] Connection to node -1 (localhost/127.0.0.1:9092) could not be established. Broker may not be available.',
      'org.apache.kafka.common.errors.TimeoutException: Topic orders not present in metadata after 60000 ms.',
      'org.apache.kafka.common.errors.TimeoutException: Expiring 14 record(s) for orders-3:120001 ms has passed since batch creation',
      'org.apache.kafka.common.errors.NotEnoughReplicasException: Messages are rejected since there are fewer in-sync replicas than required.',
      'Local: All broker connections are down',
      'nats: no servers available for connection',
      'nats: JetStream system temporarily unavailable',
      'org.springframework.amqp.AmqpConnectException: java.net.ConnectException: Connection refused',
      'Error: connect ECONNREFUSED 10.0.3.20:5672',
      'dial tcp 10.0.4.12:4222: connect: connection refused',
    ],
    miss: [
      '[Producer clientId=producer-1] Connection to node 1 (kafka-1.kafka-headless/10.0.3.13:9092) could not be established. Broker may not be available.',
      '[Producer clientId=producer-1] Node 1 disconnected.',
      'dial tcp 10.0.7.3:6379: connect: connection refused',
      'Error: connect ECONNREFUSED 10.0.3.20:5432',
    ],
  },
  'queue-full': {
    match: [
      'nats: API error: code=503 err_code=10077 description=maximum messages exceeded',
      'nats: maximum bytes exceeded',
      "Microsoft.Azure.ServiceBus.QuotaExceededException: The maximum entity size has been reached or exceeded for Queue: 'SB-ORDERS:QUEUE:ORDERS'. Size of entity in bytes:1073741824, Max entity size in bytes: 1073741824.",
      'javax.jms.ResourceAllocationException: Usage Manager Memory Limit reached. Stopping producer (ID:app-1:1:2:0) to prevent flooding queue://orders. See http://activemq.apache.org/producer-flow-control.html for more info',
    ],
    miss: ['stream ORDERS holds 182000 of 200000 messages', 'max_msgs=200000 discard=new'],
  },
  'broker-resource-alarm': {
    match: ['*** Publishers will be blocked until this alarm clears ***'],
    miss: [
      "memory resource limit alarm cleared on node 'rabbit@rabbit-0'",
      'vm_memory_high_watermark set to 0.4',
    ],
  },
  'ilm-rollover-failed': {
    match: [
      'policy [logs-app] for index [logs-app-000041] failed on step [{"phase":"hot","action":"rollover","name":"check-rollover-ready"}]. Moving to ERROR step',
      'index.lifecycle.rollover_alias [logs-app] does not point to index [logs-app-000041]',
      'setting [index.lifecycle.rollover_alias] for index [logs-app-000001] is empty or not defined',
      "index name [logs-app-2024.03.12] does not match pattern '^.*-\\d+$'",
      'rollover target [logs-app] does not point to a write index',
    ],
    miss: [
      'moving index [logs-app-000041] from [{"phase":"hot","action":"rollover","name":"check-rollover-ready"}] to [{"phase":"hot","action":"rollover","name":"attempt-rollover"}] in policy [logs-app]',
      'policy [logs-audit] for index [logs-audit-000012] failed on step [{"phase":"delete","action":"wait_for_snapshot","name":"wait-for-snapshot"}]. Moving to ERROR step',
    ],
  },
  'tsdb-compaction-failed': {
    match: [
      'compaction failed',
      'WAL truncation in Compact: create checkpoint: read segments: corruption in segment /prometheus/wal/00000152 at 2686976: unexpected full record',
      'compact head: persist head block: populate block: write chunks: no space left on device',
      'compaction: group 0@5322134712480153436: pre compaction overlap check: overlaps found while gathering blocks.',
    ],
    miss: [
      'write block',
      'compact blocks',
      'Error on ingesting out-of-order samples',
      'WAL checkpoint complete',
    ],
  },
  'log-shipper-overloaded': {
    match: [
      '[input] tail.0 paused (mem buf overlimit)',
      '[input] tail.1 paused (storage buf overlimit)',
      "[engine] chunk '1-1645042288.260516436.flb' cannot be retried: task_id=0, input=tcp.3 > output=cloudwatch_logs.1",
      '#0 emit transaction failed: error_class=Fluent::Plugin::Buffer::BufferOverflowError error="buffer space has too many data"',
      '#0 failed to write data into buffer by buffer overflow action=:throw_exception',
    ],
    miss: [
      '[input] tail.0 resume (mem buf overlimit)',
      "[engine] flush chunk '1-1647467985.551788815.flb' succeeded at retry 1: task_id=0, input=forward.1 > output=cloudwatch_logs.0 (out_id=0)",
    ],
  },
  'log-shipper-retrying': {
    match: [
      "[engine] failed to flush chunk '1-1647467985.551788815.flb', retry in 9 seconds: task_id=0, input=forward.1 > output=cloudwatch_logs.0 (out_id=0)",
      '#0 failed to flush the buffer. retry_times=0 next_retry_time=2024-03-12 14:11:02 +0000 chunk="5f1c" error_class=Net::ReadTimeout',
    ],
    miss: ['#0 retry succeeded. chunk_id="5f1c"'],
  },
  'log-store-read-only': {
    match: [
      'flood stage disk watermark [95%] exceeded on [2Mf_sAxtRua8tLTU865kPA][es-data-0][/usr/share/elasticsearch/data] free: 39.7gb[4.3%], all indices on this node will be marked read-only',
      'index [logs-app-000041] blocked by: [TOO_MANY_REQUESTS/12/disk usage exceeded flood-stage watermark, index has read-only-allow-delete block];',
      'blocked by: [FORBIDDEN/12/index read-only / allow delete (api)];',
    ],
    miss: [
      'high disk watermark [90%] exceeded on [2Mf_sAxtRua8tLTU865kPA][es-data-0][/usr/share/elasticsearch/data] free: 9.1gb[9.1%], shards will be relocated away from this node',
      'releasing read-only-allow-delete block on indices: [[logs-app-000041]]',
    ],
  },
  'disk-watermark-high': {
    match: [
      'high disk watermark [90%] exceeded on [2Mf_sAxtRua8tLTU865kPA][es-data-0][/usr/share/elasticsearch/data] free: 9.1gb[9.1%], shards will be relocated away from this node',
    ],
    miss: ['low disk watermark [85%] no longer exceeded on [2Mf_sAxtRua8tLTU865kPA][es-data-0]'],
  },
  'receipt-handle-expired': {
    match: [
      'An error occurred (InvalidParameterValue) when calling the DeleteMessage operation: Value AQEBzbV for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.',
      'software.amazon.awssdk.services.sqs.model.ReceiptHandleIsInvalidException: The input receipt handle "x" is not a valid receipt handle.',
      'Value AQEBzbV for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.',
    ],
    miss: ['Processed message 6f1c (order 84123) in 24.1s', 'VisibilityTimeout=30 for orders-queue'],
  },
  'compactor-halted': {
    match: ['critical error detected; halting'],
    miss: ['retriable error', 'compaction available and planned'],
  },
  'session-state-missing': {
    match: [
      '400 {"code":1,"message":"Session ID unknown"}',
      'ForbiddenError: invalid csrf token',
      'Invalid CSRF token found for http://shop.example/checkout',
      'err.code=EBADCSRFTOKEN',
      'CSRF token mismatch.',
      'Forbidden (CSRF token from POST incorrect.): /checkout/',
      'Forbidden (CSRF cookie not set.): /cart/add/',
      '[authorization_request_not_found] ',
    ],
    miss: [
      'CSRF token issued for session 4f2a',
      'session 9c1e expired after 30 minutes of inactivity',
      'Forbidden: /admin/ (permission denied)',
    ],
  },
  'function-timed-out': {
    match: [
      '2024-03-12T14:11:03.412Z f2704689-7aa3-4af3-ac88-857c01c4bd45 Task timed out after 30.03 seconds',
      'REPORT RequestId: f2704689-7aa3-4af3-ac88-857c01c4bd45\tDuration: 30000.00 ms\tBilled Duration: 30000 ms\tMemory Size: 512 MB\tMax Memory Used: 187 MB\tStatus: timeout',
      '{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: 327ec045 Error: Task timed out after 3.00 seconds"}',
      "Timeout value of 00:05:00 exceeded by function 'Functions.ResizeImage' (Id: 'b2d1dd72-80e2-412b-a22e-3b4558f378b4'). Initiating cancellation.",
      "Function execution took 60003 ms, finished with status: 'timeout'",
    ],
    miss: [
      'REPORT RequestId: f2704689-7aa3-4af3-ac88-857c01c4bd45\tDuration: 2811.52 ms\tBilled Duration: 2812 ms\tMemory Size: 512 MB\tMax Memory Used: 187 MB',
      'Function execution took 812 ms, finished with status code: 200',
      'Task timed out waiting for lock',
    ],
  },
  'function-throttled': {
    match: [
      'TooManyRequestsException: Rate Exceeded. {"Reason":"ReservedFunctionConcurrentInvocationLimitExceeded","Type":"User","message":"Rate Exceeded."}',
      'Reason: ConcurrentInvocationLimitExceeded',
      'botocore.errorfactory.TooManyRequestsException: An error occurred (TooManyRequestsException) when calling the Invoke operation (reached max retries: 4): Rate Exceeded.',
    ],
    miss: [
      'An error occurred (ThrottlingException) when calling the PutMetricData operation (reached max retries: 4): Rate exceeded',
      'GET /api/orders HTTP/1.1 429 Too Many Requests',
    ],
  },
  'log-parse-failed': {
    match: [
      "[2024/03/12 14:11:02] [ warn] [parser:k8s-nginx] invalid time format %d/%b/%Y:%H:%M:%S %z for '2024-03-12T14:11:02Z'",
      '#0 dump an error event: error_class=Fluent::Plugin::Parser::ParserError error="pattern not matched with data \'GET /x\'" location=nil tag="app"',
      'Could not index event to Elasticsearch. {:status=>400, :response=>{"index"=>{"error"=>{"type"=>"mapper_parsing_exception", "reason"=>"failed to parse field [status] of type [long] in document with id \'x\'"}}}}',
      'Error parsing json {:source=>"message", :raw=>"plain text", :exception=>#<LogStash::Json::ParserError: Unrecognized token>}',
      'Mapping failed with event. error="function call error for \\"parse_json\\" at (4:28): unable to parse json: expected value at line 1 column 1"',
      '{"tags":["_grokparsefailure"],"message":"x"}',
    ],
    miss: [
      'parsed 1200 records in 3 ms',
      '[2024/03/12 14:11:02] [ info] [parser] loading parsers file /fluent-bit/etc/parsers.conf',
    ],
  },
  'log-store-unreachable': {
    match: [
      '[2024/03/12 14:11:02] [error] [output:es:es.0] HTTP status=503 URI=/_bulk, response:',
      '[2024/03/12 14:11:02] [error] [output:loki:loki.0] no upstream connections available',
      'level=warn ts=2024-03-12T14:11:02.1Z caller=client.go:419 component=client host=loki:3100 msg="error sending batch, will retry" status=503 tenant= error="server returned HTTP status 503 Service Unavailable (503): "',
      'level=error caller=client.go:430 component=client host=loki:3100 msg="final error sending batch" status=500',
      '"type":"es_rejected_execution_exception","reason":"rejected execution of coordinating operation"',
    ],
    miss: [
      "[2024/03/12 14:11:02] [ warn] [engine] failed to flush chunk '1-1710252000.1.flb', retry in 9 seconds: task_id=0, input=tail.0 > output=es.0 (out_id=0)",
      '[2024/03/12 14:11:02] [ info] [output:es:es.0] worker #0 started',
    ],
  },
  'flag-evaluation-failed': {
    match: [
      'Unknown feature flag "new-checkout"; returning default value',
      'Unable to correctly evaluate flag with key new-checkout due to exception flag: new-checkout not found',
      "Unable to correctly evaluate flag with key: 'new-checkout'",
      '{"flagKey":"new-checkout","errorCode":"FLAG_NOT_FOUND","value":false,"reason":"ERROR"}',
    ],
    miss: ['Evaluated flag new-checkout: variant on', 'feature flag store initialized with 42 flags'],
  },
};

describe('known failure families', () => {
  it('has examples for every family, unique ids, registered signals and known scenarios', () => {
    const ids = KNOWN_FAILURES.map((f) => f.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(Object.keys(EXAMPLES).sort()).toEqual([...ids].sort());
    const scenarios = new Set(loadCatalog().scenarios.map((s) => s.id));
    for (const family of KNOWN_FAILURES) {
      expect(signalDefinition(`logs.known.${family.id}`)?.from, family.id).toBe('logs');
      for (const id of family.scenarios) expect(scenarios.has(id), `${family.id} → ${id}`).toBe(true);
    }
  });

  for (const family of KNOWN_FAILURES) {
    it(`recognizes ${family.id} in real messages and not in near misses`, () => {
      const examples = EXAMPLES[family.id] as { match: string[]; miss: string[] };
      for (const text of examples.match)
        expect(
          familiesOf(text).map((f) => f.id),
          text,
        ).toContain(family.id);
      for (const text of examples.miss)
        expect(
          familiesOf(text).map((f) => f.id),
          text,
        ).not.toContain(family.id);
    });
  }

  it('says whether a line names any family exactly as the families do one by one', () => {
    for (const [id, examples] of Object.entries(EXAMPLES)) {
      for (const text of examples.match) expect(saysKnownFailure(text), `${id}: ${text}`).toBe(true);
      for (const text of examples.miss)
        expect(saysKnownFailure(text), `${id}: ${text}`).toBe(familiesOf(text).length > 0);
    }
  });

  it('starts a failure chunk of triaged output at every real message (error word or not)', () => {
    for (const [id, examples] of Object.entries(EXAMPLES))
      for (const text of examples.match) expect(isErrorLine(text), `${id}: ${text}`).toBe(true);
    expect(isErrorLine('[INFO] Compiling 214 source files to /builds/shop/target/classes')).toBe(false);
  });

  it('writes every pattern without constructs that backtrack more than linearly', () => {
    for (const family of KNOWN_FAILURES) {
      for (const pattern of family.patterns) {
        const source = stripClasses(pattern.source);
        const where = `${family.id}: /${pattern.source}/`;
        // No unbounded wildcard: `.*` and `.+` scan the rest of the text from every position.
        expect(source, where).not.toMatch(/\.[*+]|\.\{\d+,\}/);
        // No quantified group: repeating a group that itself repeats is what explodes.
        expect(source, where).not.toMatch(/\)[*+]|\)\{\d+,\d*\}/);
        // No back-references.
        expect(source, where).not.toMatch(/\\[1-9]/);
        // Repetition of a class or escape is unbounded only for single-character classes followed by a literal.
        for (const quantifier of source.match(/\{\d+,\d*\}/g) ?? [])
          expect(quantifier, where).toMatch(/^\{\d+,\d+\}$/);
        expect(pattern.flags.replace('i', ''), where).toBe('');
      }
    }
  });
});

/** Character classes replaced by a placeholder, so their contents are not read as syntax. */
function stripClasses(source: string): string {
  return source.replace(/\\./g, (escaped) => (escaped === '\\.' ? '\\.' : 'E')).replace(/\[[^\]]*\]/g, 'C');
}
