import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AckPolicy, connect, StorageType, StringCodec } from 'nats';
import { describe, expect, it } from 'vitest';
import { readMetricsFile } from '../../src/gather/metrics/files.js';
import { freePort, LabSession, startJetstreamServer, which } from '../../src/lab/infra.js';
import { startJetstreamExporter } from '../../src/lab/nats-exporter.js';

// The lab's JetStream exporter against a real nats-server: what it answers is read by Faultline's
// metric rules as the backlog, the acknowledged and the published messages of a consumer.

describe('the lab JetStream exporter', () => {
  it.skipIf(!which('nats-server'))(
    'reports a real consumer backlog under the names the metric rules read',
    async () => {
      const session = new LabSession();
      const [port, monitor, exporterPort] = [await freePort(), await freePort(), await freePort()];
      const monitorUrl = await startJetstreamServer(session, port, monitor);
      const exporter = await startJetstreamExporter(exporterPort, monitorUrl);
      const nc = await connect({ servers: `nats://127.0.0.1:${port}` });
      try {
        const jsm = await nc.jetstreamManager();
        await jsm.streams.add({ name: 'ORDERS', subjects: ['orders'], storage: StorageType.Memory });
        await jsm.consumers.add('ORDERS', { durable_name: 'worker', ack_policy: AckPolicy.Explicit });
        const js = nc.jetstream();
        const codec = StringCodec();
        for (let i = 0; i < 50; i++) await js.publish('orders', codec.encode(String(i)));
        const consumer = await js.consumers.get('ORDERS', 'worker');
        let acked = 0;
        for await (const message of await consumer.fetch({ max_messages: 20, expires: 1000 })) {
          await message.ackAck();
          acked++;
        }
        expect(acked).toBe(20);

        const answer = await fetch(`http://127.0.0.1:${exporterPort}/metrics`);
        expect(answer.status).toBe(200);
        const text = await answer.text();
        expect(text).toContain('# TYPE jetstream_consumer_num_pending gauge');
        const file = join(mkdtempSync(join(tmpdir(), 'faultline-jsz-')), 'nats.prom');
        writeFileSync(file, text);
        const data = await readMetricsFile({ type: 'file', path: file }, { now: () => Date.now() });
        const role = (name: string) => data.series.find((s) => s.role === name);
        expect(role('queue.lag')?.subject).toContain('consumer_name=worker');
        expect(role('queue.lag')?.values.at(-1)).toBe(30);
        // The counters the rules turn into rates (one snapshot has no rate): acknowledged and published.
        expect(text).toMatch(/^jetstream_consumer_ack_floor_stream_seq\{[^}]*consumer_name="worker"\} 20$/m);
        expect(text).toMatch(/^jetstream_stream_last_seq\{[^}]*stream_name="ORDERS"\} 50$/m);
      } finally {
        await nc.close();
        exporter.close();
        session.close();
      }
    },
  );

  it('answers a failed read of the monitoring endpoint as a failed scrape', async () => {
    const closed = await freePort();
    const exporterPort = await freePort();
    const exporter = await startJetstreamExporter(exporterPort, `http://127.0.0.1:${closed}`);
    try {
      const answer = await fetch(`http://127.0.0.1:${exporterPort}/metrics`);
      expect(answer.status).toBe(503);
      expect(await answer.text()).toMatch(/^jsz: /);
    } finally {
      exporter.close();
    }
  });
});
