import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { seedItems } from '../../src/catalog/seeds.js';
import { runCli } from '../support/cli.js';
import { tempDir, userScenarioYaml, writeScenario } from '../support/scenarios.js';

const ESC = String.fromCharCode(27);
const stripAnsi = (text: string) =>
  text
    .split(ESC)
    .map((part, i) => (i === 0 ? part : part.replace(/^\[[0-9;]*m/, '')))
    .join('');

describe('faultline catalog list', () => {
  it('prints a table with a header and one row per scenario', async () => {
    const run = await runCli(['catalog', 'list']);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+SEVERITY\s+CATEGORY\s+RECOGNIZED FROM\s+TITLE$/);
    expect(lines.length).toBeGreaterThan(150);
    expect(run.stdout).not.toContain('\u001b[');
  });

  it('filters by category and way of recognition, as JSON', async () => {
    const run = await runCli([
      'catalog',
      'list',
      '--category',
      'database',
      '--recognized-from',
      'text',
      '--format',
      'json',
    ]);
    expect(run.code).toBe(0);
    const rows = JSON.parse(run.stdout) as Array<{ id: string; category: string; recognizedFrom: string[] }>;
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) {
      expect(row.category).toBe('database');
      expect(row.recognizedFrom).toContain('text');
    }
    expect(rows.map((r) => r.id)).toContain('connection-pool-exhaustion');
  });

  it('rejects an unknown category with the allowed values and exit code 2', async () => {
    const run = await runCli(['catalog', 'list', '--category', 'databse']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("argument 'databse' is invalid");
    expect(run.stderr).toContain('database');
  });

  it('colours only on a terminal, and not when NO_COLOR is set', async () => {
    const tty = await runCli(['catalog', 'list', '--severity', 'critical'], { isTTY: true, columns: 100 });
    expect(tty.stdout).toContain('\u001b[');
    for (const line of tty.stdout.split('\n')) expect(stripAnsi(line).length).toBeLessThanOrEqual(100);
    const noColor = await runCli(['catalog', 'list', '--severity', 'critical'], {
      isTTY: true,
      env: { NO_COLOR: '1' },
    });
    expect(noColor.stdout).not.toContain('\u001b[');
    const flag = await runCli(['--no-color', 'catalog', 'list'], { isTTY: true });
    expect(flag.stdout).not.toContain('\u001b[');
  });
});

describe('faultline catalog show', () => {
  it('prints a readable page', async () => {
    const run = await runCli(['catalog', 'show', 'connection-pool-exhaustion']);
    expect(run.code).toBe(0);
    for (const heading of [
      'SYMPTOMS',
      'ROOT CAUSES',
      'DIAGNOSTICS',
      'REMEDIATION',
      'PREVENTION',
      'REFERENCES',
    ]) {
      expect(run.stdout).toContain(heading);
    }
    expect(run.stdout).toContain('$ psql -c');
    for (const line of run.stdout.split('\n')) {
      if (!line.includes('$ ') && !line.includes('https://')) expect(line.length).toBeLessThanOrEqual(100);
    }
  });

  it('prints Markdown and JSON', async () => {
    const md = await runCli(['catalog', 'show', 'slow-query', '--format', 'markdown']);
    expect(md.stdout).toMatch(/^# .+\n/);
    expect(md.stdout).toContain('## Diagnostics');
    const json = await runCli(['catalog', 'show', 'slow-query', '--format', 'json']);
    const scenario = JSON.parse(json.stdout) as { id: string; sources: unknown[] };
    expect(scenario.id).toBe('slow-query');
    expect(scenario.sources.length).toBeGreaterThan(0);
  });

  it('suggests the nearest ids for an unknown id and exits 2', async () => {
    const run = await runCli(['catalog', 'show', 'slow-qeury']);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/unknown scenario id "slow-qeury"; did you mean: slow-query/);
  });

  it('asks for the id when it is missing', async () => {
    const run = await runCli(['catalog', 'show']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("missing required argument 'id'");
  });
});

describe('faultline catalog search', () => {
  it('ranks matches for an error message', async () => {
    const run = await runCli([
      'catalog',
      'search',
      'x509:',
      'certificate',
      'has',
      'expired',
      '--format',
      'json',
    ]);
    expect(run.code).toBe(0);
    const hits = JSON.parse(run.stdout) as Array<{ id: string; score: number }>;
    expect(hits[0]?.id).toBe('tls-certificate-expired');
  });

  it('says so when nothing matches, without failing', async () => {
    const run = await runCli(['catalog', 'search', 'qqqzzz']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('no scenario matches');
  });

  it('validates --limit', async () => {
    const run = await runCli(['catalog', 'search', 'disk', '--limit', 'many']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('expected a whole number');
  });
});

describe('faultline catalog export', () => {
  it('exports every scenario with every field, covering all seed items', async () => {
    const run = await runCli(['catalog', 'export', '--format', 'json']);
    expect(run.code).toBe(0);
    const exported = JSON.parse(run.stdout) as {
      schemaVersion: string;
      scenarios: Array<{ id: string; sources: Array<{ seed: string; item: string; section?: string }> }>;
    };
    expect(exported.schemaVersion).toBe('1.0.0');
    const covered = new Set(
      exported.scenarios.flatMap((s) => s.sources.map((x) => `${x.seed}|${x.item}|${x.section ?? ''}`)),
    );
    const missing = seedItems().filter(
      (item) =>
        !covered.has(`${item.seed}|${item.item}|`) &&
        !covered.has(`${item.seed}|${item.item}|${item.section}`),
    );
    expect(missing).toEqual([]);
  });

  it('is byte-stable', async () => {
    const a = await runCli(['catalog', 'export', '--format', 'json']);
    const b = await runCli(['catalog', 'export', '--format', 'json']);
    expect(a.stdout).toBe(b.stdout);
  });

  it('writes Markdown to --output', async () => {
    const file = join(tempDir(), 'out', 'catalog.md');
    const run = await runCli(['catalog', 'export', '--format', 'markdown', '--output', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    const text = readFileSync(file, 'utf8');
    expect(text).toContain('# Faultline failure catalog');
    expect(text).toContain('<a id="connection-pool-exhaustion"></a>');
  });

  it('requires --format', async () => {
    const run = await runCli(['catalog', 'export']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("required option '--format <format>' not specified");
  });
});

describe('faultline catalog validate and --scenarios', () => {
  it('accepts a valid folder of user scenarios', async () => {
    const root = writeScenario(tempDir(), 'payment-gateway-declines', userScenarioYaml());
    const run = await runCli(['catalog', 'validate', root]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`1 scenario(s) valid in ${root}\n`);
  });

  it('lists every problem with file, line and field, and exits 2', async () => {
    const root = writeScenario(
      tempDir(),
      'payment-gateway-declines',
      userScenarioYaml().replace('category: third-party', 'category: thirdparty'),
    );
    const run = await runCli(['catalog', 'validate', root]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain(
      `${root}/payment-gateway-declines/scenario.yaml:5:11: category: expected one of: performance,`,
    );
    expect(run.stdout).toContain('(did you mean "third-party"?)');
    const json = await runCli(['catalog', 'validate', root, '--format', 'json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      valid: false,
      problems: [{ field: 'category', line: 5 }],
    });
  });

  it('adds user scenarios to any command', async () => {
    const root = writeScenario(tempDir(), 'payment-gateway-declines', userScenarioYaml());
    const show = await runCli(['--scenarios', root, 'catalog', 'show', 'payment-gateway-declines']);
    expect(show.code).toBe(0);
    expect(show.stdout).toContain('origin user');
    const search = await runCli([
      '--scenarios',
      root,
      'catalog',
      'search',
      'card declined',
      '--format',
      'json',
    ]);
    expect((JSON.parse(search.stdout) as Array<{ id: string }>)[0]?.id).toBe('payment-gateway-declines');
  });

  it('refuses broken user scenarios with their problems', async () => {
    const root = writeScenario(
      tempDir(),
      'payment-gateway-declines',
      userScenarioYaml().replace(/summary: .*\n/, ''),
    );
    const run = await runCli(['--scenarios', root, 'catalog', 'list']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('summary: required field is missing');
  });
});

describe('faultline', () => {
  it('prints help with no arguments and for --help, exit 0', async () => {
    const bare = await runCli([]);
    expect(bare.code).toBe(0);
    expect(bare.stdout).toContain('Usage: faultline');
    const help = await runCli(['catalog', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('validate');
  });

  it('exits 2 on an unknown command or option', async () => {
    expect((await runCli(['catalogue'])).code).toBe(2);
    const option = await runCli(['catalog', 'list', '--formt', 'json']);
    expect(option.code).toBe(2);
    expect(option.stderr).toContain('--format');
  });

  it('runs as the installed bin', () => {
    const bin = join(process.cwd(), 'bin', 'faultline.js');
    expect(existsSync(join(process.cwd(), 'dist', 'cli.js'))).toBe(true);
    const version = execFileSync(process.execPath, [bin, '--version'], { encoding: 'utf8' });
    expect(version.trim()).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
    const bad = spawnSync(process.execPath, [bin, 'catalog', 'show', 'nope-nope'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('unknown scenario id');
    expect(bad.stderr).not.toMatch(/at .+\.js:\d+/);
  });
});
