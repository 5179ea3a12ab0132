import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { tempDir } from '../support/scenarios.js';

const SPRING = 'test/fixtures/logs/spring-hikari.log';

interface PatternsJson {
  templates: Array<{ id: number; template: string; count: number }>;
  lines: Array<{ line: number; templateId: number }>;
}

describe('faultline logs patterns', () => {
  it('prints JSON with every template and one entry per physical line', async () => {
    const run = await runCli(['logs', 'patterns', SPRING, '--format', 'json']);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as PatternsJson;
    const physical = readFileSync(SPRING, 'utf8').trimEnd().split('\n').length;
    expect(result.lines.map((l) => l.line)).toEqual(Array.from({ length: physical }, (_, i) => i + 1));
    expect(result.templates.map((t) => t.id)).toEqual(result.templates.map((_, i) => i + 1));
    const ids = new Set(result.templates.map((t) => t.id));
    for (const entry of result.lines) expect(ids.has(entry.templateId)).toBe(true);
    expect(result.templates).toContainEqual({
      id: expect.any(Number),
      template: '<*> - Connection is not available, request timed out after <*>.',
      count: 3,
    });
    // Every template is the template of some line.
    const records = new Set(result.lines.map((l) => l.templateId));
    expect(records.size).toBe(result.templates.length);
  });

  it('prints a table sorted by count, then id, and writes it to a file with -o', async () => {
    const run = await runCli(['logs', 'patterns', SPRING]);
    expect(run.code).toBe(0);
    const rows = run.stdout.trimEnd().split('\n');
    expect(rows[0]).toBe(`${SPRING}: 24 lines, 14 records, 9 templates`);
    expect(rows[2]).toMatch(/^ID\s+COUNT\s+TEMPLATE$/);
    const body = rows.slice(3).map((r) => r.trim().split(/\s+/, 2).map(Number) as [number, number]);
    const sorted = [...body].sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    expect(body).toEqual(sorted);
    expect(rows[3]).toMatch(/^\s*\d+\s+4\s+Order <\*> created for customer <\*> in <\*>$/);

    const out = join(tempDir(), 'patterns.txt');
    const toFile = await runCli(['logs', 'patterns', SPRING, '-o', out]);
    expect(toFile.code).toBe(0);
    expect(toFile.stdout).toBe('');
    expect(readFileSync(out, 'utf8')).toBe(run.stdout);
  });

  it('warns on stderr about lines it could only mine as text', async () => {
    const run = await runCli(['logs', 'patterns', 'test/fixtures/logs/go-service.jsonl']);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /warning: test\/fixtures\/logs\/go-service\.jsonl:9: JSON object without a message field/,
    );
  });

  it('exits 2 naming a missing file, without a stack trace', async () => {
    const run = await runCli(['logs', 'patterns', 'missing/app.log']);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('faultline: cannot read missing/app.log: no such file\n');
    expect(run.stdout).toBe('');
  });

  it('exits 2 on an unknown format', async () => {
    const run = await runCli(['logs', 'patterns', SPRING, '--format', 'xml']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/xml/);
  });
});
