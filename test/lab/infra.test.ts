import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { matrix } from '../../src/cli/commands/lab.js';
import { answers, freePort, LabSession, missingTools, waitFor, which } from '../../src/lab/infra.js';

const haveServers = Boolean(which('redis-server') && which('nats-server') && which('redis-cli'));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('the lab session', () => {
  it.skipIf(!haveServers)(
    'owns its processes and directory and leaves nothing behind when closed',
    async () => {
      const session = new LabSession();
      const [redisPort, natsPort, monitorPort] = [await freePort(), await freePort(), await freePort()];
      session.start('redis', 'redis-server', [
        '--port',
        String(redisPort),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
      ]);
      session.start('nats', 'nats-server', [
        '-a',
        '127.0.0.1',
        '-p',
        String(natsPort),
        '-m',
        String(monitorPort),
      ]);
      await waitFor('nats monitoring', () => answers(`http://127.0.0.1:${monitorPort}/healthz`));
      expect(session.running().sort()).toEqual(['nats', 'redis']);
      const pids = session.pids();
      expect(existsSync(session.dir)).toBe(true);
      session.close();
      await waitFor('the processes to exit', async () => pids.every((pid) => !alive(pid)));
      expect(existsSync(session.dir)).toBe(false);
    },
  );

  it('stops a process it adopted (the load tool) when it closes', async () => {
    const session = new LabSession();
    const child = spawn('sleep', ['60'], { stdio: 'ignore' });
    session.adopt('load', child);
    expect(session.running()).toEqual(['load']);
    session.close();
    await waitFor('the adopted process to exit', async () => !alive(child.pid as number));
  });

  it('names the Debian package of every missing tool', () => {
    for (const m of missingTools()) expect(m.apt).toMatch(/^[a-z0-9-]+$/);
  });

  it('fails a wait with what it waited for', async () => {
    await expect(waitFor('a thing that never comes', async () => false, 300)).rejects.toThrow(
      /a thing that never comes did not become ready/,
    );
  });
});

describe('the recognition table', () => {
  it('shows the rank of the injected scenario, misses, and false alarms on control runs', () => {
    const table = matrix([
      {
        scenario: 'slow-query',
        out: 'x',
        top1: 'slow-query',
        rank: 1,
        confidence: 0.82,
        onsetErrorS: 4,
        runtimeS: 150,
        matched: ['slow-query'],
      },
      {
        scenario: 'memory-leak',
        out: 'y',
        top1: undefined,
        rank: undefined,
        confidence: undefined,
        onsetErrorS: undefined,
        runtimeS: 151,
        matched: [],
      },
      {
        scenario: 'healthy',
        out: 'z',
        top1: 'slow-query',
        rank: undefined,
        confidence: undefined,
        onsetErrorS: undefined,
        runtimeS: 149,
        matched: ['slow-query'],
      },
    ]);
    const lines = table.trim().split('\n');
    expect(lines[0]).toMatch(/^scenario\s+top-1 finding\s+rank\s+confidence\s+onset error\s+runtime$/);
    expect(lines[1]).toMatch(/^slow-query\s+slow-query\s+1\s+82%\s+\+4 s\s+150 s$/);
    expect(lines[2]).toMatch(/^memory-leak\s+\(nothing\)\s+missed\s+-\s+-\s+151 s$/);
    expect(lines[3]).toMatch(/^healthy\s+slow-query\s+false alarm/);
  });
});
