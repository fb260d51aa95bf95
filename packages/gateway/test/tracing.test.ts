import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createGatewayLogger, type RunningGateway } from '@gongzhi/gateway';
import { toGlobalId } from '@gongzhi/core';
import type { TestDatabase } from '@gongzhi/core/testing';
import { boardClient } from './board-helpers.js';
import { gatewayDatabase, postGraphQL, startGateway, testConfig } from './helpers.js';

/** The gateway's /metrics text (metrics are on in tests). */
async function metricsText(gateway: RunningGateway): Promise<string> {
  return (await fetch(`${gateway.server.url}/metrics`)).text();
}

function sample(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(name.length + 1));
}

const logger = createGatewayLogger('silent', false);

interface ReceivedSpan {
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  kind: number;
  attributes: Record<string, unknown>;
  status?: { code?: number };
  service: unknown;
}

/** A stand-in OTLP/HTTP receiver on 127.0.0.1: keeps the spans POSTed to /v1/traces as JSON. */
async function startReceiver(): Promise<{ url: string; spans: ReceivedSpan[]; paths: string[]; close(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const paths: string[] = [];
  const value = (v: Record<string, unknown>): unknown =>
    v.stringValue ??
    v.intValue ??
    v.doubleValue ??
    v.boolValue ??
    (v.arrayValue as { values?: Record<string, unknown>[] })?.values?.map(value);
  const attributes = (list: { key: string; value: Record<string, unknown> }[] = []) =>
    Object.fromEntries(list.map((a) => [a.key, value(a.value)]));
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      paths.push(`${req.method} ${req.url} ${req.headers['content-type']}`);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      for (const rs of body.resourceSpans ?? []) {
        const service = attributes(rs.resource?.attributes)['service.name'];
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? []) spans.push({ ...s, attributes: attributes(s.attributes), service });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    spans,
    paths,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

let db: TestDatabase;
beforeAll(async () => {
  db = await gatewayDatabase({ GONGZHI_PLUGINS: '' });
});
afterAll(async () => {
  await db?.drop();
});

async function traced(env: Record<string, string>, work: (gateway: RunningGateway) => Promise<void>) {
  const receiver = await startReceiver();
  try {
    const gateway = await startGateway(
      testConfig({ DATABASE_URL: db.url, GONGZHI_PLUGINS: '', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, ...env }),
      logger,
      { seedWhenEmpty: false },
    );
    try {
      await work(gateway);
      await gateway.server.tracing!.flush();
      return receiver;
    } finally {
      await gateway.stop();
    }
  } finally {
    await receiver.close();
  }
}

test('an operation is traced over OTLP/HTTP: the HTTP request, the operation by name and type, its top-level resolvers and its SQL', async () => {
  const receiver = await traced({ OTEL_SERVICE_NAME: 'gongzhi-test', GONGZHI_TRACE_RESOLVER_MS: '600000' }, async (gateway) => {
    const { data } = await postGraphQL(
      gateway.server.url,
      'query Communities { places(type: COMMUNITY) { nodes { id name } } coreVersion }',
    );
    expect(data.places.nodes).toEqual([]);
  });
  expect(receiver.paths[0]).toBe('POST /v1/traces application/json');
  const spans = receiver.spans;
  const one = (name: string) => {
    const found = spans.filter((s) => s.name === name);
    expect(found.map((s) => s.name)).toEqual([name]);
    return found[0];
  };
  const http = one('POST /graphql');
  expect(http.parentSpanId ?? '').toBe('');
  expect(http.kind).toBe(2); // SERVER
  expect(http.attributes['http.response.status_code']).toBe(200);
  expect(http.service).toBe('gongzhi-test');

  const operation = one('query Communities');
  expect(operation.parentSpanId).toBe(http.spanId);
  expect(operation.traceId).toBe(http.traceId);
  expect(operation.attributes).toMatchObject({ 'graphql.operation.name': 'Communities', 'graphql.operation.type': 'query' });

  // Top-level fields get spans; with a high threshold, nested ones (Place.id) do not.
  expect(one('resolve Query.places').parentSpanId).toBe(operation.spanId);
  expect(one('resolve Query.coreVersion').parentSpanId).toBe(operation.spanId);
  expect(spans.filter((s) => s.name.startsWith('resolve Place.'))).toEqual([]);

  // SQL inside the operation, with its text and no parameter values.
  const sql = spans.filter((s) => s.name.startsWith('db ') && s.parentSpanId === operation.spanId);
  expect(sql.length).toBeGreaterThan(0);
  expect(sql.some((s) => /from "?place"?/i.test(String(s.attributes['db.query.text'])))).toBe(true);
  expect(sql.every((s) => s.attributes['db.system.name'] === 'postgresql' && s.kind === 3)).toBe(true); // CLIENT
});

test("operations whose reads by key share a round trip each get their own statement's span", async () => {
  // Concurrent operations reading a place by id: their reads by key go in shared round trips.
  const ids = Array.from({ length: 24 }, () => toGlobalId('Place', randomUUID()));
  const receiver = await traced({ GONGZHI_TRACE_RESOLVER_MS: '600000' }, async (gateway) => {
    const answers = await Promise.all(
      ids.map((id, i) => postGraphQL(gateway.server.url, `query Read${i}($id: ID!) { place(id: $id) { id } }`, { id })),
    );
    expect(answers.map((a) => a.data?.place)).toEqual(ids.map(() => null));
  });
  const placeReads = receiver.spans.filter(
    (s) => s.name.startsWith('db ') && /FROM "place" r WHERE r\."id"/.test(String(s.attributes['db.query.text'])),
  );
  const perOperation = ids.map((_, i) => {
    const operation = receiver.spans.find((s) => s.name === `query Read${i}`)!;
    return placeReads.filter((s) => s.parentSpanId === operation.spanId && s.traceId === operation.traceId).length;
  });
  expect(perOperation).toEqual(ids.map(() => 1));
});

test('slow resolvers below the top level get spans past the threshold; failed operations are marked', async () => {
  const receiver = await traced({ GONGZHI_TRACE_RESOLVER_MS: '0' }, async (gateway) => {
    const em = gateway.platform.orm.em.fork();
    const { Place, PlaceType } = await import('@gongzhi/core');
    const place = em.create(Place, { type: PlaceType.COMMUNITY, code: 'C1', name: '芳城园社区', path: '/', depth: 2 });
    await em.flush();
    // A subscription's admission over WebSocket is traced too.
    const client = boardClient(gateway.server.url);
    const stop = client.subscribe(
      { query: 'subscription Watch($p: ID!) { taskBoardChanges(placeId: $p) { sequence } }', variables: { p: place.id } },
      { next: () => {}, error: () => {}, complete: () => {} },
    );
    for (let i = 0; i < 100 && sample(await metricsText(gateway), 'gongzhi_websocket_subscriptions') !== 1; i++)
      await new Promise((r) => setTimeout(r, 20));
    stop();
    await client.dispose();
    const { data } = await postGraphQL(gateway.server.url, 'query Communities { places(type: COMMUNITY) { nodes { name } } }');
    expect(data.places.nodes).toEqual([{ name: '芳城园社区' }]);
    const broken = await postGraphQL(gateway.server.url, 'query Broken { noSuchField }');
    expect(broken.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
  const names = receiver.spans.map((s) => s.name);
  expect(names).toEqual(expect.arrayContaining(['query Communities', 'resolve Query.places', 'resolve Place.name', 'query Broken']));
  const watch = receiver.spans.find((s) => s.name === 'subscription Watch')!;
  expect(watch.attributes).toMatchObject({ 'gongzhi.transport': 'websocket', 'graphql.operation.type': 'subscription' });
  const broken = receiver.spans.find((s) => s.name === 'query Broken')!;
  expect(broken.status?.code).toBe(2); // ERROR
  expect(broken.attributes['graphql.error.codes']).toEqual(['GRAPHQL_VALIDATION_FAILED']);
});

test('tracing is off without an endpoint', async () => {
  const gateway = await startGateway(testConfig({ DATABASE_URL: db.url, GONGZHI_PLUGINS: '' }), logger, { seedWhenEmpty: false });
  try {
    expect(gateway.server.tracing).toBeNull();
    expect((await postGraphQL(gateway.server.url, '{ coreVersion }')).data.coreVersion).toBeTruthy();
  } finally {
    await gateway.stop();
  }
  expect(() => testConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'localhost:4318' })).toThrow(
    /OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL/,
  );
});
