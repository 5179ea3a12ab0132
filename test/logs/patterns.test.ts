import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { minePatterns } from '../../src/logs/patterns.js';
import { MAX_LINE_CHARS } from '../../src/logs/read-lines.js';
import { tempDir } from '../support/scenarios.js';

const FIXTURES = 'test/fixtures/logs';
const fixture = (name: string) => join(FIXTURES, name);

describe('minePatterns on real-looking logs', () => {
  it('finds the HikariCP timeout template in a Spring Boot log and keeps the stack trace with its record', async () => {
    const result = await minePatterns(fixture('spring-hikari.log'), { keepLines: true });
    const lines = readFileSync(fixture('spring-hikari.log'), 'utf8').trimEnd().split('\n');
    expect(result.lineCount).toBe(lines.length);
    expect(result.lineTemplateIds).toHaveLength(lines.length);
    const hikari = result.templates.find((t) =>
      t.template.endsWith('- Connection is not available, request timed out after <*>.'),
    );
    expect(hikari).toMatchObject({
      template: '<*> - Connection is not available, request timed out after <*>.',
      count: 3,
    });
    const ids = Array.from(result.lineTemplateIds ?? []);
    // The exception line and every frame point at the record of the ERROR line before them.
    const errorLine = lines.findIndex((l) => l.includes('Servlet.service()'));
    const frames = lines.slice(errorLine + 1).findIndex((l) => !/^(\t|java\.)/.test(l));
    expect(frames).toBe(10);
    for (let i = errorLine + 1; i <= errorLine + frames; i++) expect(ids[i]).toBe(ids[errorLine]);
    expect(ids[errorLine]).not.toBe(hikari?.id);
    // No template holds a timestamp, a thread name or a pid.
    for (const t of result.templates) expect(t.template).not.toMatch(/2024-03-12|nio-8080|48213/);
    expect(result.recordCount).toBe(lines.length - frames);
  });

  it('tells nginx access lines apart by method and status, not by path or client', async () => {
    const result = await minePatterns(fixture('nginx-access.log'), { keepLines: false });
    expect(result.templates.map((t) => [t.template, t.count])).toEqual([
      ['GET <*> HTTP/<*> <*> OK', 3],
      ['POST <*> HTTP/<*> <*> Created', 1],
      ['POST <*> HTTP/<*> <*> Bad Gateway', 2],
      ['GET <*> HTTP/<*> <*> Gateway Timeout', 1],
    ]);
  });

  it('reads a Go service JSON-lines log and reports a JSON line without a message', async () => {
    const result = await minePatterns(fixture('go-service.jsonl'), { keepLines: true });
    const templates = result.templates.map((t) => t.template);
    expect(templates).toContain('dial tcp <*>: connect: connection refused');
    expect(templates).toContain('redis call slow: GET stock:<*> took <*>');
    expect(templates).toContain('job <*> failed: context deadline exceeded');
    expect(result.problems).toEqual([
      {
        file: fixture('go-service.jsonl'),
        line: 9,
        message: expect.stringMatching(/without a message field .*msg, message.*it has time, level, status/),
      },
    ]);
    // The line is still mined, not dropped.
    expect(result.lineTemplateIds?.[8]).toBeGreaterThan(0);
  });

  it('keeps a chained Python traceback with the record that logged it', async () => {
    const result = await minePatterns(fixture('python-traceback.log'), { keepLines: true });
    expect(result.templates).toEqual([
      { id: 1, template: 'Invoice <*> issued to <*> (EUR <*>)', count: 3 },
      { id: 2, template: 'Failed to charge invoice <*>', count: 2 },
    ]);
    expect(Array.from(result.lineTemplateIds ?? [])).toEqual([1, 1, 2, ...Array(15).fill(2), 2, 1]);
  });

  it('reads several formats in one file', async () => {
    const result = await minePatterns(fixture('mixed-formats.log'), { keepLines: false });
    expect(result.templates.map((t) => t.template)).toEqual([
      'cache warmed',
      'cache miss ratio high: <*>',
      'sshd: Failed password for invalid user <*> from <*> port <*> ssh2',
      'failed to sync pod default/<*>: timeout',
      'AH00898: Error reading from remote server returned by <*>',
      'panic: runtime error: invalid memory address or nil pointer dereference',
      'connection pool exhausted',
    ]);
    expect(result.recordCount).toBe(9);
  });

  it('reads gzip transparently and gives the same result', async () => {
    const dir = tempDir();
    const gz = join(dir, 'spring.log.gz');
    writeFileSync(gz, gzipSync(readFileSync(fixture('spring-hikari.log'))));
    const plain = await minePatterns(fixture('spring-hikari.log'), { keepLines: true });
    const zipped = await minePatterns(gz, { keepLines: true });
    expect(zipped.templates).toEqual(plain.templates);
    expect(zipped.lineTemplateIds).toEqual(plain.lineTemplateIds);
  });

  it('is deterministic across runs', async () => {
    const a = await minePatterns(fixture('mixed-formats.log'), { keepLines: true });
    const b = await minePatterns(fixture('mixed-formats.log'), { keepLines: true });
    expect(b).toEqual(a);
  });

  it('handles CRLF, a byte order mark, a last line without newline and an overlong line', async () => {
    const dir = tempDir();
    const path = join(dir, 'odd.log');
    const long = `huge ${'x'.repeat(MAX_LINE_CHARS + 10)}`;
    writeFileSync(path, `\uFEFFworker 1 started\r\nworker 2 started\r\n${long}\nworker 3 started`);
    const result = await minePatterns(path, { keepLines: true });
    expect(result.lineCount).toBe(4);
    expect(result.templates[0]).toEqual({ id: 1, template: 'worker <*> started', count: 3 });
    expect(Array.from(result.lineTemplateIds ?? [])).toEqual([1, 1, 2, 1]);
    expect(result.problems).toEqual([
      { file: path, line: 3, message: expect.stringMatching(/longer than 64 K/) },
    ]);
  });

  it('rejects binary and damaged gzip input with the file named', async () => {
    const dir = tempDir();
    const binary = join(dir, 'core.bin');
    writeFileSync(binary, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2]));
    await expect(minePatterns(binary, { keepLines: false })).rejects.toThrow(
      /core\.bin: binary data at byte 4/,
    );
    const damaged = join(dir, 'app.log.gz');
    writeFileSync(damaged, gzipSync(Buffer.from('a\n'.repeat(1000))).subarray(0, 20));
    await expect(minePatterns(damaged, { keepLines: false })).rejects.toThrow(/app\.log\.gz/);
  });
});
