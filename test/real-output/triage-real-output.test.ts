import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/loader.js';
import { triage } from '../../src/pipeline/analyze.js';
import {
  answers,
  has,
  localhostCertificate,
  MARIADB_ARGS,
  mariadbSession,
  output,
  PSQL_ARGS,
  psqlSession,
  SqlSession,
  startUntil,
} from '../support/real-output.js';

// Real failure output, produced here by the real software (PostgreSQL 15 and MariaDB 10.11 through
// their clients, Node.js, the JVM, CPython, javac, rustc, Maven, Terraform, the AWS CLI and boto3
// against a local stand-in for AWS, curl, the kernel), is triaged as a user would paste it. Each
// case skips, with its reason, where the software is not on the machine; .ci/run starts the
// database servers.

const catalog = loadCatalog();
const postgres = answers('psql', [...PSQL_ARGS, '-c', 'select 1']);
const mariadb = answers('mariadb', [...MARIADB_ARGS, '-e', 'select 1']);
const work = mkdtempSync(join(tmpdir(), 'faultline-real-output-'));

async function topFindings(text: string): Promise<string[]> {
  const { result } = await triage(['-'], {
    catalog,
    now: () => new Date(0),
    stdin: () => Readable.from([Buffer.from(text)]),
  });
  return result.findings.filter((f) => f.status === 'matched').map((f) => f.scenarioId);
}

interface Case {
  name: string;
  /** The scenarios a careful engineer would name first; the first finding must be one of them. */
  expect: readonly string[];
  /** Why the case cannot run here, or undefined when it can. */
  missing: () => string | undefined;
  produce: () => Promise<string> | string;
}

const needs =
  (...commands: string[]) =>
  () =>
    commands.find((c) => !has(c)) ? `${commands.find((c) => !has(c))} is not installed` : undefined;
const needsPostgres = () => (postgres ? undefined : 'PostgreSQL does not answer on 127.0.0.1:5432');
const needsMariadb = () => (mariadb ? undefined : 'MariaDB does not answer on 127.0.0.1:3306');

/**
 * A stand-in for an AWS API on 127.0.0.1 that answers every request with one error (status, XML
 * body and headers as the service sends them), in its own process since output is collected with a
 * blocking spawn. What the real client (Terraform, the AWS CLI, boto3) then prints around the
 * error is its own wording, with no network.
 */
async function withAwsStandIn(
  error: { status: number; xml: string; headers?: Record<string, string> },
  run: (endpoint: string) => string,
): Promise<string> {
  const headers = { 'Content-Type': 'text/xml', ...error.headers };
  const server = spawn(process.execPath, [
    '-e',
    `const s = require('node:http').createServer((q, r) => { r.writeHead(${error.status}, ${JSON.stringify(headers)}); r.end(q.method === 'HEAD' ? undefined : ${JSON.stringify(error.xml)}); }); s.listen(0, '127.0.0.1', () => console.log(s.address().port));`,
  ]);
  try {
    const port = await new Promise<string>((resolve, reject) => {
      server.stdout.once('data', (data: Buffer) => resolve(data.toString().trim()));
      server.once('error', reject);
    });
    return run(`http://127.0.0.1:${port}`);
  } finally {
    server.kill();
  }
}

/** An S3 error document as S3 writes it. */
const s3Error = (code: string, message: string, more = ''): string =>
  `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>${more}<RequestId>4442587FB7D0A2F9</RequestId></Error>`;

/** Example credentials of the AWS documentation, for clients that sign requests to the stand-in. */
const AWS_ENV = [
  'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE',
  'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  'AWS_DEFAULT_REGION=us-east-1',
];

/** The AWS CLI against the stand-in. */
const awsCli = (args: readonly string[]) => (endpoint: string) =>
  output('env', [...AWS_ENV, 'aws', ...args, '--endpoint-url', endpoint]);

const PERMANENT_REDIRECT = s3Error(
  'PermanentRedirect',
  'The bucket you are attempting to access must be addressed using the specified endpoint. Please send all future requests to this endpoint.',
  '<Endpoint>acme-reports.s3.eu-west-1.amazonaws.com</Endpoint><Bucket>acme-reports</Bucket>',
);

/** terraform init of an S3 backend whose endpoint is the stand-in. */
function s3BackendInit(endpoint: string): string {
  const dir = mkdtempSync(join(work, 'tf-s3-'));
  writeFileSync(
    join(dir, 'main.tf'),
    [
      'terraform {',
      '  backend "s3" {',
      '    bucket                      = "acme-tfstate-prod"',
      '    key                         = "web/terraform.tfstate"',
      '    region                      = "us-east-1"',
      '    access_key                  = "AKIAIOSFODNN7EXAMPLE"',
      '    secret_key                  = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"',
      '    skip_credentials_validation = true',
      '    skip_requesting_account_id  = true',
      '    skip_metadata_api_check     = true',
      '    use_path_style              = true',
      `    endpoints                   = { s3 = "${endpoint}" }`,
      '  }',
      '}',
      '',
      'resource "terraform_data" "web" {',
      '  input = "v1"',
      '}',
      '',
    ].join('\n'),
  );
  return output('terraform', ['init', '-no-color', '-input=false'], { cwd: dir });
}

/** Two sessions that each lock a row and then want the other's: the server picks a victim. */
async function deadlock(session: () => SqlSession, table: string, setup: string): Promise<string> {
  const a = session();
  const b = session();
  await a.send(setup);
  await a.send(`BEGIN; UPDATE ${table} SET v = v + 1 WHERE id = 1;`);
  await b.send(`BEGIN; UPDATE ${table} SET v = v + 1 WHERE id = 2;`);
  const first = a.send(`UPDATE ${table} SET v = v + 1 WHERE id = 2;`);
  const second = b.send(`UPDATE ${table} SET v = v + 1 WHERE id = 1;`);
  // One statement fails with the deadlock; the other goes on once its lock is free.
  await Promise.race([first, second]);
  await Promise.all([a.send('ROLLBACK;'), b.send('ROLLBACK;')]);
  await Promise.all([first, second]);
  return `${await a.close()}\n${await b.close()}`;
}

/** An OpenSSL test server on a free port with a certificate valid from `start` to `end`. */
async function withTlsServer(
  start: string,
  end: string,
  client: (port: number, cert: string) => string,
): Promise<string> {
  const dir = mkdtempSync(join(work, 'tls-'));
  const { cert, key } = localhostCertificate(dir, start, end);
  const port = 20000 + Math.floor(Math.random() * 20000);
  const server = await startUntil(
    'openssl',
    ['s_server', '-accept', String(port), '-cert', cert, '-key', key, '-www'],
    'ACCEPT',
  );
  try {
    return client(port, cert);
  } finally {
    server.kill();
  }
}

const CASES: Case[] = [
  {
    name: 'PostgreSQL deadlock (psql)',
    expect: ['database-deadlock'],
    missing: needsPostgres,
    produce: () =>
      deadlock(
        psqlSession,
        'fl_deadlock',
        'DROP TABLE IF EXISTS fl_deadlock; CREATE TABLE fl_deadlock (id int PRIMARY KEY, v int); INSERT INTO fl_deadlock VALUES (1, 0), (2, 0);',
      ),
  },
  {
    name: 'MariaDB deadlock (mariadb client)',
    expect: ['database-deadlock'],
    missing: needsMariadb,
    produce: () =>
      deadlock(
        mariadbSession,
        'fl_deadlock',
        'DROP TABLE IF EXISTS fl_deadlock; CREATE TABLE fl_deadlock (id int PRIMARY KEY, v int) ENGINE=InnoDB; INSERT INTO fl_deadlock VALUES (1, 0), (2, 0);',
      ),
  },
  {
    name: 'PostgreSQL lock timeout',
    expect: ['shared-resource-lock-contention', 'database-deadlock'],
    missing: needsPostgres,
    produce: async () => {
      const a = psqlSession();
      const b = psqlSession();
      await a.send(
        'DROP TABLE IF EXISTS fl_lock; CREATE TABLE fl_lock (id int PRIMARY KEY, v int); INSERT INTO fl_lock VALUES (1, 0); BEGIN; UPDATE fl_lock SET v = 1 WHERE id = 1;',
      );
      await b.send("SET lock_timeout = '200ms'; UPDATE fl_lock SET v = 2 WHERE id = 1;");
      await a.send('ROLLBACK;');
      return `${await a.close()}\n${await b.close()}`;
    },
  },
  {
    name: 'MariaDB lock wait timeout',
    expect: ['shared-resource-lock-contention', 'database-deadlock'],
    missing: needsMariadb,
    produce: async () => {
      const a = mariadbSession();
      const b = mariadbSession();
      await a.send(
        'DROP TABLE IF EXISTS fl_lock; CREATE TABLE fl_lock (id int PRIMARY KEY, v int) ENGINE=InnoDB; INSERT INTO fl_lock VALUES (1, 0); BEGIN; UPDATE fl_lock SET v = 1 WHERE id = 1;',
      );
      await b.send('SET SESSION innodb_lock_wait_timeout = 1; UPDATE fl_lock SET v = 2 WHERE id = 1;');
      await a.send('ROLLBACK;');
      return `${await a.close()}\n${await b.close()}`;
    },
  },
  {
    name: 'PostgreSQL connection limit of a role',
    expect: ['backend-connection-storm', 'connection-pool-exhaustion'],
    missing: needsPostgres,
    produce: async () => {
      output('psql', [
        ...PSQL_ARGS,
        '-c',
        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fl_limited') THEN CREATE ROLE fl_limited LOGIN CONNECTION LIMIT 1; END IF; END $$;",
      ]);
      const holder = psqlSession();
      await holder.send('SELECT 1;');
      // The holder connected as postgres; a second login of the limited role needs one held too.
      const limited = ['-X', '-q', '-h', '127.0.0.1', '-U', 'fl_limited', '-d', 'test'];
      const first = new SqlSession('psql', limited, (m) => `\\echo ${m}`);
      await first.send('SELECT 1;');
      const refused = output('psql', [...limited, '-c', 'SELECT 1']);
      await first.close();
      await holder.close();
      return refused;
    },
  },
  {
    name: 'PostgreSQL sequence at its maximum and integer overflow',
    expect: ['primary-key-overflow'],
    missing: needsPostgres,
    produce: () =>
      output('psql', [
        ...PSQL_ARGS,
        '-c',
        'DROP TABLE IF EXISTS fl_orders; CREATE TABLE fl_orders (id int GENERATED BY DEFAULT AS IDENTITY (MAXVALUE 2) PRIMARY KEY, note text);',
        '-c',
        "INSERT INTO fl_orders (note) VALUES ('a'), ('b'), ('c');",
      ]),
  },
  {
    name: 'PostgreSQL statement timeout',
    expect: ['slow-query'],
    missing: needsPostgres,
    produce: () =>
      output('psql', [...PSQL_ARGS, '-c', "SET statement_timeout = '100ms'", '-c', 'SELECT pg_sleep(2)']),
  },
  {
    name: 'Node.js out of heap',
    expect: ['runtime-out-of-memory'],
    missing: needs('node'),
    produce: () =>
      output('node', [
        '--max-old-space-size=24',
        '-e',
        'const kept = []; for (;;) kept.push(new Array(100000).fill(kept.length));',
      ]),
  },
  {
    name: 'JVM out of heap',
    expect: ['runtime-out-of-memory'],
    missing: needs('java'),
    produce: () => {
      const file = join(work, 'Hog.java');
      writeFileSync(
        file,
        'import java.util.*;\npublic class Hog {\n  public static void main(String[] a) {\n    List<long[]> kept = new ArrayList<>();\n    for (;;) kept.add(new long[100_000]);\n  }\n}\n',
      );
      return output('java', ['-Xmx16m', file]);
    },
  },
  {
    name: 'CPython MemoryError under an address-space limit',
    expect: ['runtime-out-of-memory'],
    missing: needs('python3'),
    produce: () =>
      output('python3', [
        '-c',
        'import resource\nresource.setrlimit(resource.RLIMIT_AS, (300 << 20, 300 << 20))\nblocks = [bytearray(64 << 20) for _ in range(20)]',
      ]),
  },
  {
    name: 'Node.js out of file descriptors (EMFILE)',
    expect: ['file-descriptor-exhaustion'],
    missing: needs('node', 'sh'),
    produce: () =>
      output('sh', [
        '-c',
        `ulimit -n 40 && node -e "const fs = require('fs'); const held = []; for (let i = 0; i < 100; i++) held.push(fs.openSync(process.execPath, 'r'));"`,
      ]),
  },
  {
    name: 'CPython out of file descriptors',
    expect: ['file-descriptor-exhaustion'],
    missing: needs('python3', 'sh'),
    produce: () =>
      output('sh', ['-c', `ulimit -n 40 && python3 -c "held = [open('/etc/hostname') for _ in range(100)]"`]),
  },
  {
    name: 'curl to a closed port (connection refused)',
    expect: ['dependency-unavailable', 'network-connectivity-failure', 'connection-timeout'],
    missing: needs('curl'),
    produce: () => output('curl', ['-sS', '--max-time', '5', 'http://127.0.0.1:9/health']),
  },
  {
    name: 'Node.js fetch of a name that does not resolve',
    expect: ['dns-resolution-failure'],
    missing: needs('node'),
    produce: () =>
      output('node', [
        '-e',
        "fetch('http://orders.invalid/health').catch((e) => { console.error(e); process.exit(1); })",
      ]),
  },
  {
    name: 'dd writing to a full device (ENOSPC)',
    expect: ['disk-space-exhausted'],
    missing: needs('sh'),
    produce: () => output('dd', ['if=/dev/zero', 'of=/dev/full', 'bs=1k', 'count=1']),
  },
  {
    name: 'curl to a server whose certificate has expired',
    expect: ['tls-certificate-expired'],
    missing: needs('openssl', 'curl'),
    produce: () =>
      withTlsServer('20200101000000Z', '20200102000000Z', (port, cert) =>
        output('curl', ['-sS', '--cacert', cert, `https://localhost:${port}/`]),
      ),
  },
  {
    name: 'Node.js request to a server whose certificate has expired',
    expect: ['tls-certificate-expired'],
    missing: needs('openssl', 'node'),
    produce: () =>
      withTlsServer('20200101000000Z', '20200102000000Z', (port) =>
        output('node', [
          '-e',
          `require('https').get('https://localhost:${port}/').on('error', (e) => { console.error(e); process.exit(1); })`,
        ]),
      ),
  },
  {
    name: 'curl to a server with a self-signed certificate',
    expect: ['tls-certificate-chain-invalid'],
    missing: needs('openssl', 'curl'),
    produce: () =>
      withTlsServer('20250101000000Z', '20991231000000Z', (port) =>
        output('curl', ['-sS', `https://localhost:${port}/`]),
      ),
  },
  {
    name: 'psql to a port where no server listens',
    expect: ['dependency-unavailable', 'network-connectivity-failure'],
    missing: needs('psql'),
    produce: () => output('psql', ['-X', '-h', '127.0.0.1', '-p', '9', '-U', 'postgres', '-c', 'select 1']),
  },
  {
    name: 'Node.js test runner with a failing test',
    expect: ['test-failure'],
    missing: needs('node'),
    produce: () => {
      const file = join(work, 'cart.test.mjs');
      writeFileSync(
        file,
        "import test from 'node:test';\nimport assert from 'node:assert/strict';\n\ntest('adds tax to the cart total', () => {\n  assert.equal(Math.round(100 * 1.2), 121);\n});\n\ntest('empty cart is free', () => {\n  assert.equal(0, 0);\n});\n",
      );
      return output('node', ['--test', file]);
    },
  },
  {
    name: 'Python unittest with a failing test',
    expect: ['test-failure'],
    missing: needs('python3'),
    produce: () => {
      const dir = mkdtempSync(join(work, 'py-'));
      writeFileSync(
        join(dir, 'test_cart.py'),
        'import unittest\n\nclass CartTest(unittest.TestCase):\n    def test_total_with_tax(self):\n        self.assertEqual(round(100 * 1.2), 121)\n\n    def test_empty(self):\n        self.assertEqual(0, 0)\n',
      );
      return output('python3', ['-m', 'unittest', '-v'], { cwd: dir });
    },
  },
  {
    name: 'npm install of a package the registry does not have',
    expect: ['dependency-resolution-failure'],
    missing: needs('npm'),
    produce: () => {
      const dir = mkdtempSync(join(work, 'npm-'));
      writeFileSync(
        join(dir, 'package.json'),
        '{"name":"shop-web","version":"1.0.0","dependencies":{"@faultline-test/no-such-package-4d1c":"^1.0.0"}}',
      );
      return output('npm', ['install', '--no-audit', '--no-fund'], { cwd: dir });
    },
  },
  {
    name: 'javac type error',
    expect: ['compilation-error'],
    missing: needs('javac'),
    produce: () => {
      const file = join(work, 'Cart.java');
      writeFileSync(
        file,
        'public class Cart {\n  int total() {\n    String sum = 0;\n    return sum;\n  }\n}\n',
      );
      return output('javac', ['-d', work, file]);
    },
  },
  {
    name: 'rustc borrow error',
    expect: ['compilation-error'],
    missing: needs('rustc'),
    produce: () => {
      const file = join(work, 'cart.rs');
      writeFileSync(
        file,
        'fn main() {\n    let items = vec![1, 2];\n    let moved = items;\n    println!("{:?} {:?}", items, moved);\n}\n',
      );
      return output('rustc', ['--color', 'never', '-o', join(work, 'cart'), file]);
    },
  },
  {
    name: 'Maven offline build with a dependency not in the local repository',
    expect: ['dependency-resolution-failure'],
    missing: needs('mvn'),
    produce: () => {
      const dir = mkdtempSync(join(work, 'mvn-'));
      writeFileSync(
        join(dir, 'pom.xml'),
        '<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion><groupId>com.shop</groupId><artifactId>cart</artifactId><version>1.0.0</version><dependencies><dependency><groupId>com.shop.internal</groupId><artifactId>pricing-client</artifactId><version>9.9.9</version></dependency></dependencies></project>',
      );
      return output('mvn', ['-o', '-B', '-q', 'compile'], { cwd: dir });
    },
  },
  {
    name: 'Terraform dependency cycle',
    expect: ['iac-dependency-cycle'],
    missing: needs('terraform'),
    produce: () => {
      const dir = mkdtempSync(join(work, 'tf-'));
      writeFileSync(
        join(dir, 'main.tf'),
        'resource "terraform_data" "queue" {\n  input = terraform_data.worker.id\n}\n\nresource "terraform_data" "worker" {\n  input = terraform_data.queue.id\n}\n',
      );
      return output(
        'sh',
        ['-c', 'terraform init -no-color -input=false >/dev/null && terraform validate -no-color'],
        {
          cwd: dir,
        },
      );
    },
  },
  {
    name: 'Terraform reference to an undeclared resource',
    expect: ['iac-template-invalid'],
    missing: needs('terraform'),
    produce: () => {
      const dir = mkdtempSync(join(work, 'tf-'));
      writeFileSync(
        join(dir, 'main.tf'),
        'resource "terraform_data" "web" {\n  input = terraform_data.missing.id\n}\n',
      );
      return output(
        'sh',
        ['-c', 'terraform init -no-color -input=false >/dev/null && terraform validate -no-color'],
        {
          cwd: dir,
        },
      );
    },
  },
  {
    name: 'Terraform backend block added after init',
    expect: ['terraform-backend-misconfigured'],
    missing: needs('terraform'),
    produce: () => {
      const dir = mkdtempSync(join(work, 'tf-'));
      writeFileSync(join(dir, 'main.tf'), 'resource "terraform_data" "web" {\n  input = "v1"\n}\n');
      const backend = 'terraform {\n  backend "local" {\n    path = "shared/web.tfstate"\n  }\n}\n';
      return output(
        'sh',
        [
          '-c',
          `terraform init -no-color -input=false >/dev/null && printf '%s' '${backend}' > backend.tf && terraform plan -no-color -input=false`,
        ],
        { cwd: dir },
      );
    },
  },
  {
    name: 'Terraform local state truncated',
    expect: ['iac-state-corrupted'],
    missing: needs('terraform'),
    produce: () => {
      const dir = mkdtempSync(join(work, 'tf-'));
      writeFileSync(join(dir, 'main.tf'), 'resource "terraform_data" "web" {\n  input = "v1"\n}\n');
      // A state file cut in the middle of a write: Terraform cannot read it to take its lock.
      writeFileSync(
        join(dir, 'terraform.tfstate'),
        '{\n  "version": 4,\n  "terraform_version": "1.9.8",\n  "serial": 3,\n  "lineage": "4f1c',
      );
      return output(
        'sh',
        ['-c', 'terraform init -no-color -input=false >/dev/null && terraform plan -no-color -input=false'],
        { cwd: dir },
      );
    },
  },
  {
    name: 'Terraform S3 backend bucket missing',
    expect: ['terraform-backend-misconfigured'],
    missing: needs('terraform'),
    produce: () =>
      withAwsStandIn(
        { status: 404, xml: s3Error('NoSuchBucket', 'The specified bucket does not exist') },
        s3BackendInit,
      ),
  },
  {
    name: 'Terraform S3 backend in the wrong region',
    expect: ['terraform-backend-misconfigured'],
    missing: needs('terraform'),
    produce: () =>
      withAwsStandIn(
        { status: 301, xml: PERMANENT_REDIRECT, headers: { 'x-amz-bucket-region': 'eu-west-1' } },
        s3BackendInit,
      ),
  },
  {
    name: 'AWS CLI listing a bucket of another region',
    expect: ['s3-bucket-region-mismatch'],
    missing: needs('aws'),
    produce: () =>
      withAwsStandIn(
        { status: 301, xml: PERMANENT_REDIRECT, headers: { 'x-amz-bucket-region': 'eu-west-1' } },
        awsCli(['s3', 'ls', 's3://acme-reports/']),
      ),
  },
  {
    name: 'AWS CLI adding a security group rule that exists',
    expect: ['security-group-misconfiguration'],
    missing: needs('aws'),
    produce: () =>
      withAwsStandIn(
        {
          status: 400,
          xml: '<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error><Code>InvalidPermission.Duplicate</Code><Message>the specified rule "peer: sg-0a1b2c3d4e5f60718, TCP, from port: 5432, to port: 5432, ALLOW" already exists</Message></Error></Errors><RequestID>4442587f-b7d0-a2f9-1c2d-3e4f5a6b7c8d</RequestID></Response>',
        },
        awsCli([
          'ec2',
          'authorize-security-group-ingress',
          '--group-id',
          'sg-0f1e2d3c4b5a69788',
          '--protocol',
          'tcp',
          '--port',
          '5432',
          '--source-group',
          'sg-0a1b2c3d4e5f60718',
        ]),
      ),
  },
  {
    name: 'A boto3 worker refused by its own role',
    expect: ['iam-runtime-permission-denied'],
    missing: () =>
      answers('python3', ['-c', 'import boto3']) ? undefined : 'python3 with boto3 is not installed',
    produce: () =>
      withAwsStandIn(
        {
          status: 403,
          xml: s3Error(
            'AccessDenied',
            'User: arn:aws:sts::111122223333:assumed-role/shop-export-worker/i-0a1b2c3d4e5f60718 is not authorized to perform: s3:PutObject on resource: &quot;arn:aws:s3:::acme-reports/2026-11-12.csv&quot; because no identity-based policy allows the s3:PutObject action',
          ),
        },
        (endpoint) =>
          output('env', [
            ...AWS_ENV,
            'python3',
            '-c',
            [
              'import logging, boto3',
              "logging.basicConfig(format='%(asctime)s %(levelname)s %(name)s %(message)s')",
              "log = logging.getLogger('worker.export')",
              `s3 = boto3.client('s3', endpoint_url='${endpoint}')`,
              'try:',
              "    s3.put_object(Bucket='acme-reports', Key='2026-11-12.csv', Body=b'id,total')",
              'except Exception:',
              "    log.exception('failed to upload report 2026-11-12.csv')",
              '    raise SystemExit(1)',
            ].join('\n'),
          ]),
      ),
  },
];

afterAll(() => {
  if (postgres)
    output('psql', [
      ...PSQL_ARGS,
      '-c',
      'DROP TABLE IF EXISTS fl_deadlock, fl_lock, fl_orders; DROP ROLE IF EXISTS fl_limited;',
    ]);
  if (mariadb) output('mariadb', [...MARIADB_ARGS, '-e', 'DROP TABLE IF EXISTS fl_deadlock, fl_lock;']);
});

describe('triage of real failure output produced on this machine', () => {
  for (const c of CASES) {
    const missing = c.missing();
    it.skipIf(missing !== undefined)(
      `${c.name} → ${c.expect.join(' or ')}${missing ? ` (skipped: ${missing})` : ''}`,
      async () => {
        const text = await c.produce();
        const findings = await topFindings(text);
        expect(
          c.expect,
          `first finding ${findings[0] ?? 'none'} of ${findings.join(', ') || 'none'} for:\n${text}`,
        ).toContain(findings[0]);
      },
    );
  }
});
