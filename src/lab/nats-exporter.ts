import { createServer, type Server } from 'node:http';

// The lab's JetStream exporter: on every scrape it reads the NATS server's own monitoring endpoint
// (/jsz with account, stream and consumer details) and answers in Prometheus text under the
// metric and label names of the NATS Prometheus exporter's JetStream collector, which Faultline's
// query set reads. Debian packages no NATS exporter, so the lab carries this bridge; the numbers
// are the server's, unchanged.

interface ConsumerDetail {
  stream_name: string;
  name: string;
  num_pending: number;
  num_ack_pending: number;
  num_redelivered: number;
  delivered: { stream_seq: number };
  ack_floor: { stream_seq: number };
}

interface StreamDetail {
  name: string;
  state: { messages: number; last_seq: number; consumer_count: number };
  consumer_detail?: ConsumerDetail[];
}

interface Jsz {
  server_id: string;
  account_details?: { name: string; stream_detail?: StreamDetail[] }[];
}

const escapeLabel = (value: string) =>
  value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
const labels = (pairs: Record<string, string>) =>
  `{${Object.entries(pairs)
    .map(([k, v]) => `${k}="${escapeLabel(v)}"`)
    .join(',')}}`;

/** The Prometheus text of one /jsz answer. */
export function jetstreamMetrics(jsz: Jsz): string {
  const families = new Map<string, { type: string; help: string; lines: string[] }>();
  const add = (name: string, type: string, help: string, pairs: Record<string, string>, value: number) => {
    const family = families.get(name) ?? { type, help, lines: [] };
    family.lines.push(`${name}${labels(pairs)} ${value}`);
    families.set(name, family);
  };
  for (const account of jsz.account_details ?? []) {
    for (const stream of account.stream_detail ?? []) {
      const s = { server_id: jsz.server_id, account: account.name, stream_name: stream.name };
      add(
        'jetstream_stream_total_messages',
        'gauge',
        'Messages held by the stream',
        s,
        stream.state.messages,
      );
      add(
        'jetstream_stream_last_seq',
        'counter',
        'Last sequence stored in the stream',
        s,
        stream.state.last_seq,
      );
      add(
        'jetstream_stream_consumer_count',
        'gauge',
        'Consumers of the stream',
        s,
        stream.state.consumer_count,
      );
      for (const consumer of stream.consumer_detail ?? []) {
        const c = { ...s, consumer_name: consumer.name };
        add(
          'jetstream_consumer_num_pending',
          'gauge',
          'Messages not yet delivered to the consumer',
          c,
          consumer.num_pending,
        );
        add(
          'jetstream_consumer_num_ack_pending',
          'gauge',
          'Messages delivered and not acknowledged',
          c,
          consumer.num_ack_pending,
        );
        add(
          'jetstream_consumer_num_redelivered',
          'counter',
          'Messages redelivered',
          c,
          consumer.num_redelivered,
        );
        add(
          'jetstream_consumer_delivered_stream_seq',
          'counter',
          'Last stream sequence delivered',
          c,
          consumer.delivered.stream_seq,
        );
        add(
          'jetstream_consumer_ack_floor_stream_seq',
          'counter',
          'Stream sequence below which every message is acknowledged',
          c,
          consumer.ack_floor.stream_seq,
        );
      }
    }
  }
  return [...families]
    .map(([name, f]) => `# HELP ${name} ${f.help}\n# TYPE ${name} ${f.type}\n${f.lines.join('\n')}\n`)
    .join('');
}

/** Serves /metrics on `port`, reading `monitorUrl`/jsz on every scrape. */
export async function startJetstreamExporter(port: number, monitorUrl: string): Promise<Server> {
  const server = createServer(async (_req, res) => {
    try {
      const answer = await fetch(`${monitorUrl}/jsz?accounts=true&streams=true&consumers=true`, {
        signal: AbortSignal.timeout(900),
      });
      const body = jetstreamMetrics((await answer.json()) as Jsz);
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(body);
    } catch (error) {
      // A failed read is a failed scrape (up = 0 in Prometheus), as with the real exporter.
      res.writeHead(503, { 'content-type': 'text/plain' });
      res.end(`jsz: ${(error as Error).message}\n`);
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return server;
}
