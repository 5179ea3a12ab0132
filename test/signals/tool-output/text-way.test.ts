import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../../src/catalog/loader.js';
import { readToolOutput } from '../../../src/gather/tool-output/gatherer.js';
import { triage } from '../../../src/pipeline/analyze.js';
import { compileTextSignature, matchText } from '../../../src/signals/tool-output/text-match.js';
import { TextSignatureSchema } from '../../../src/signatures/text-schema.js';

const read = (text: string) => readToolOutput('test', Readable.from([Buffer.from(text)]));
const signature = (spec: unknown) => compileTextSignature('s', 0, TextSignatureSchema.parse(spec));

describe('text signature matching', () => {
  it('matches a Terraform message wrapped across two boxed lines, citing the first', async () => {
    const data = await read(
      "╷\n│ Error: Failed to install provider\n│ \n│ Error while installing hashicorp/aws v5.40.0: the current package doesn't match any of the\n│ checksums previously recorded in the dependency lock file\n╵\n",
    );
    const match = matchText(
      signature({
        match: [{ pattern: "doesn't match any of the checksums previously recorded", reason: 'r' }],
      }),
      data,
    );
    expect(match?.match[0]?.line).toBe(4);
  });

  it('does not join lines that are not one wrapped diagnostic', async () => {
    const data = await read('Error: first half of a\nsecond half of a message\n');
    const match = matchText(signature({ match: [{ pattern: 'of a second half', reason: 'r' }] }), data);
    expect(match).toBeUndefined();
  });

  it('needs every match pattern and keyword in one chunk', async () => {
    const data = await read(`Error: alpha\n\n\n\n${'x\n'.repeat(30)}Error: beta\n`);
    const both = signature({
      match: [
        { pattern: 'alpha', reason: 'r' },
        { pattern: 'beta', reason: 'r' },
      ],
    });
    expect(matchText(both, data)).toBeUndefined();
    const keyword = signature({ match: [{ pattern: 'alpha', reason: 'r' }], keywords: ['BETA'] });
    expect(matchText(keyword, data)).toBeUndefined();
    const one = signature({ match: [{ pattern: 'beta', reason: 'r' }], keywords: ['BETA'] });
    expect(matchText(one, data)?.chunks).toBe(1);
  });

  it('matches a known failure family by any of its messages, and rejects a pattern naming both', async () => {
    const data = await read('2024-05-01 10:00:01.123 UTC [123] FATAL:  sorry, too many clients already\n');
    const family = signature({ match: [{ family: 'too-many-connections', reason: 'r' }] });
    expect(matchText(family, data)?.match[0]?.line).toBe(1);
    const other = signature({ match: [{ family: 'deadlock', reason: 'r' }] });
    expect(matchText(other, data)).toBeUndefined();
    expect(() =>
      TextSignatureSchema.parse({ match: [{ family: 'deadlock', pattern: 'x', reason: 'r' }] }),
    ).toThrow(/either a pattern or a family/);
    expect(() => TextSignatureSchema.parse({ match: [{ family: 'no-such-family', reason: 'r' }] })).toThrow();
  });

  it('never matches output that ends in success', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'faultline-triage-'));
    const file = join(dir, 'apply.output.txt');
    const lock = [
      '╷',
      '│ Error: Error acquiring the state lock',
      '│ Lock Info:',
      '│   ID:        5e2b1f0c-7d0a-8c4e-9b41-2f6d1a3c9e70',
      '╵',
    ].join('\n');
    const catalog = loadCatalog();
    writeFileSync(file, `${lock}\n`);
    const failed = await triage([file], { catalog, now: () => new Date(0) });
    expect(failed.result.findings[0]).toMatchObject({
      scenarioId: 'terraform-state-lock-held',
      status: 'matched',
    });
    writeFileSync(
      file,
      `${lock}\nRetrying...\nApply complete! Resources: 1 added, 0 changed, 0 destroyed.\n`,
    );
    const succeeded = await triage([file], { catalog, now: () => new Date(0) });
    const finding = succeeded.result.findings.find((f) => f.scenarioId === 'terraform-state-lock-held');
    expect(finding?.status).toBe('not-matched');
    expect(finding?.loweredBy.map((c) => c.signal)).toContain('tool-output.outcome');
  });
});

describe('notice ways', () => {
  const plan = (note: string) =>
    [
      'aws_security_group.api: Refreshing state... [id=sg-0a1b2c3d4e5f60718]',
      '',
      note,
      '',
      '  # aws_security_group.api has changed',
      '',
      'Plan: 0 to add, 1 to change, 0 to destroy.',
      '',
    ].join('\n');
  const drift = { pattern: 'Objects have changed outside of Terraform', weight: 1, reason: 'drift' };

  it('match a notice in output that ended in success; ordinary ways do not', async () => {
    const data = await read(plan('Note: Objects have changed outside of Terraform'));
    expect(data.outcome).toBe('succeeded');
    expect(matchText(signature({ notice: true, match: [drift] }), data)?.chunks).toBe(1);
    const dir = mkdtempSync(join(tmpdir(), 'faultline-notice-'));
    const file = join(dir, 'plan.output.txt');
    writeFileSync(file, plan('Note: Objects have changed outside of Terraform'));
    const { result } = await triage([file], { catalog: loadCatalog(), now: () => new Date(0) });
    const finding = result.findings.find((f) => f.scenarioId === 'manual-change-outside-iac');
    expect(finding?.status).toBe('matched');
    expect(finding?.raisedBy.map((c) => c.signal)).toContain('tool-output.outcome');
    // The same output with every other scenario: nothing else is reported for a successful plan.
    expect(result.findings.filter((f) => f.status === 'matched').map((f) => f.scenarioId)).toEqual([
      'manual-change-outside-iac',
    ]);
  });

  it('find nothing in successful output through a chunk no notice opened', async () => {
    // An error line that a retry overcame: not a notice, so the successful run stays quiet.
    const data = await read(
      plan('Error: Objects have changed outside of Terraform while reading aws_security_group.api'),
    );
    expect(data.outcome).toBe('succeeded');
    expect(data.chunks.some((c) => c.notice)).toBe(false);
    expect(matchText(signature({ notice: true, match: [drift] }), data)).toBeUndefined();
  });

  it('match as any other way in output that failed', async () => {
    const data = await read(
      'Note: Objects have changed outside of Terraform\n\nError: updating Security Group (sg-1): InvalidPermission.Duplicate\n',
    );
    expect(data.outcome).toBe('failed');
    expect(matchText(signature({ notice: true, match: [drift] }), data)?.chunks).toBe(1);
  });
});
