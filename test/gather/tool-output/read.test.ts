import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { GatherError } from '../../../src/gather/gatherer.js';
import { readToolOutput, skippedOf } from '../../../src/gather/tool-output/gatherer.js';

const read = (text: string | Buffer) => readToolOutput('test', Readable.from([Buffer.from(text)]));

describe('tool output reader', () => {
  it('removes CI timestamps and colours, keeps line numbers and finds the failure', async () => {
    const data = await read(
      [
        '2024-05-01T10:00:00.1000000Z ##[group]Run npm ci',
        '2024-05-01T10:00:00.2000000Z \x1b[36;1mnpm ci\x1b[0m',
        '2024-05-01T10:00:00.3000000Z ##[endgroup]',
        '2024-05-01T10:00:05.0000000Z npm error code ERESOLVE',
        '2024-05-01T10:00:05.0000000Z npm error ERESOLVE unable to resolve dependency tree',
        '2024-05-01T10:00:06.0000000Z ##[error]Process completed with exit code 1.',
      ].join('\n'),
    );
    expect(data.tools).toEqual(expect.arrayContaining(['github-actions', 'npm']));
    expect(data.outcome).toBe('failed');
    expect(data.outcomeLine).toBe(6);
    expect(data.chunks[0]?.lines.slice(0, 2)).toEqual([
      { line: 1, text: '##[group]Run npm ci' },
      { line: 2, text: 'npm ci' },
    ]);
    expect(data.chunks[0]?.lines.map((l) => l.text)).toContain('npm error code ERESOLVE');
    expect(data.chunks[0]?.errorLine).toBe(4);
  });

  it('reads success as success', async () => {
    const data = await read(
      'Plan: 1 to add, 0 to change, 0 to destroy.\naws_s3_bucket.b: Creating...\nApply complete! Resources: 1 added, 0 changed, 0 destroyed.\n',
    );
    expect(data.outcome).toBe('succeeded');
    expect(data.chunks).toEqual([]);
  });

  it("keeps Terraform's drift note of a successful plan as a notice chunk", async () => {
    const data = await read(
      [
        'aws_security_group.api: Refreshing state... [id=sg-0a1b2c3d4e5f60718]',
        '',
        'Note: Objects have changed outside of Terraform',
        '',
        'Terraform detected the following changes made outside of Terraform since the',
        'last "terraform apply" which may have affected this plan:',
        '',
        '  # aws_security_group.api has changed',
        '',
        'Plan: 0 to add, 1 to change, 0 to destroy.',
        '',
        "Note: You didn't use the -out option to save this plan, so Terraform can't",
      ].join('\n'),
    );
    expect(data.outcome).toBe('succeeded');
    expect(data.chunks).toHaveLength(1);
    expect(data.chunks[0]).toMatchObject({ errorLine: 3, notice: true });
  });

  it('marks a chunk that a notice joins, and no other', async () => {
    const data = await read(
      [
        'Warning: Argument is deprecated',
        'Error: creating S3 Bucket (logs): BucketAlreadyExists',
        ...Array.from({ length: 30 }, (_, i) => `line ${i}`),
        "Error: reading Security Group (sg-1): couldn't find resource",
        'Note: Objects have changed outside of Terraform',
      ].join('\n'),
    );
    expect(data.chunks.map((c) => c.notice ?? false)).toEqual([false, true]);
  });

  it('turns CloudFormation stack events into lines at the line of their reason', async () => {
    const events = JSON.stringify(
      {
        StackEvents: [
          {
            StackName: 'web',
            LogicalResourceId: 'web',
            ResourceType: 'AWS::CloudFormation::Stack',
            ResourceStatus: 'UPDATE_ROLLBACK_FAILED',
            ResourceStatusReason: 'The following resource(s) failed to update: [Bucket].',
          },
          {
            StackName: 'web',
            LogicalResourceId: 'Bucket',
            ResourceType: 'AWS::S3::Bucket',
            ResourceStatus: 'UPDATE_FAILED',
            ResourceStatusReason: 'Resource handler returned message: "Access Denied"',
          },
        ],
      },
      null,
      4,
    );
    const data = await read(events);
    expect(data.format).toBe('cloudformation-events');
    expect(data.outcome).toBe('failed');
    const lines = data.chunks.flatMap((c) => c.lines);
    const bucket = lines.find((l) => l.text.startsWith('Bucket (AWS::S3::Bucket) UPDATE_FAILED'));
    expect(bucket?.text).toContain('Access Denied');
    expect(events.split('\n')[(bucket?.line ?? 0) - 1]).toContain('"ResourceStatusReason"');
  });

  it('turns terraform -json diagnostics into lines', async () => {
    const data = await read(
      `${JSON.stringify({ '@level': 'info', '@message': 'Terraform 1.9.0', type: 'version' })}\n${JSON.stringify({ '@level': 'error', '@message': 'Error: Unsupported argument', diagnostic: { severity: 'error', summary: 'Unsupported argument', detail: 'An argument named "acl" is not expected here.' }, type: 'diagnostic' })}\n`,
    );
    expect(data.format).toBe('terraform-json');
    expect(data.chunks[0]?.lines).toEqual([
      { line: 1, text: 'Terraform 1.9.0' },
      { line: 2, text: 'Error: Unsupported argument' },
      { line: 2, text: 'An argument named "acl" is not expected here.' },
    ]);
  });

  it('reads gzip', async () => {
    const data = await read(gzipSync('fatal: could not read Username for https://github.com\n'));
    expect(data.outcome).toBe('failed');
  });

  it('refuses binary input with a coded error', async () => {
    const error = await read(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1, 2])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GatherError);
    expect((error as GatherError).code).toBe('unsupported-format');
  });

  it('masks secrets in the kept lines', async () => {
    const data = await read(
      'Error: login failed for https://deploy:hunter2@registry.example.com token=abcd1234\n',
    );
    const text = data.chunks[0]?.lines[0]?.text ?? '';
    expect(text).not.toContain('hunter2');
    expect(text).not.toContain('abcd1234');
  });

  it('keeps a bounded number of chunks, the first and the last', async () => {
    const lines: string[] = [];
    for (let i = 0; i < 20_000; i++) lines.push(i % 30 === 0 ? `Error: failure ${i}` : `step ${i}`);
    const data = await read(lines.join('\n'));
    expect(data.chunks.length).toBeLessThanOrEqual(80);
    expect(data.droppedChunks).toBeGreaterThan(0);
    expect(data.chunks[0]?.errorLine).toBe(1);
    expect(data.chunks[data.chunks.length - 1]?.errorLine).toBe(19_981);
  });

  it('reads UTF-16 with or without a byte-order mark, as Windows PowerShell writes redirected output', async () => {
    const text = 'Step 1/3\r\nError: Error acquiring the state lock\r\n';
    const withMark = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const bigEndian = Buffer.from(text, 'utf16le').swap16();
    for (const bytes of [
      withMark,
      Buffer.from(text, 'utf16le'),
      Buffer.concat([Buffer.from([0xfe, 0xff]), bigEndian]),
    ]) {
      const data = await read(bytes);
      expect(data.encoding).toMatch(/^utf-16/);
      expect(data.chunks[0]).toMatchObject({ errorLine: 2 });
      expect(data.chunks[0]?.lines.at(-1)?.text).toBe('Error: Error acquiring the state lock');
      expect(data.undecodableLines).toBeUndefined();
    }
    expect(
      (await read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('Error: x\n')]))).chunks[0]
        ?.lines[0]?.text,
    ).toBe('Error: x');
  });

  it('says which lines had bytes invalid in UTF-8, and that the source was read in part', async () => {
    const bytes = Buffer.concat([
      Buffer.from('ok\nError: caf'),
      Buffer.from([0xe9]),
      Buffer.from(' closed\n'),
    ]);
    const data = await read(bytes);
    expect(data).toMatchObject({ undecodableLines: 1, firstUndecodableLine: 2 });
    expect(data.chunks[0]?.lines.at(-1)?.text).toBe('Error: caf\ufffd closed');
    expect(skippedOf(data)).toMatch(/1 line\(s\) had bytes that are not valid utf-8 \(first at line 2\)/);
    expect(skippedOf(await read('Error: fine\n'))).toBeUndefined();
  });
});
