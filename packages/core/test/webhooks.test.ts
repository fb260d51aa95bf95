/**
 * Outbound webhooks (issue 20, item 2; docs/webhooks.md): a receiver on 127.0.0.1 (node:http)
 * gets every event of its webhook's scope and none outside it, signed per Standard Webhooks
 * (checked here with node:crypto alone), retried with the same webhook-id until it answers
 * 2xx, and the webhook is disabled, with its reason, when a delivery fails for the whole retry
 * window. The restart in the middle of a retry series runs the real gateway:
 * `gateway/test/webhook-restart.test.ts`.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Caller, type Place, PlaceType } from '@gongzhi/core';
import { apiKeyCaller, createTestApp, placeWriter, type TestApp, uuidOf } from '@gongzhi/core/testing';
import { isPrivateAddress, type ResolveAll, systemResolve } from '../src/webhook/webhook-address.js';

interface Received {
  id: string;
  timestamp: number;
  signatures: string[];
  body: { type: string; timestamp: string; data: Record<string, unknown> };
  raw: string;
  url: string;
}

/** A webhook receiver on 127.0.0.1: records every POST; `answer` decides the response (200 unless told). */
async function startReceiver() {
  const received: Received[] = [];
  let answer: (r: Received, res: ServerResponse) => void = (_r, res) => res.writeHead(200).end('ok');
  const server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
    req.on('end', () => {
      const h: IncomingHttpHeaders = req.headers;
      const r: Received = {
        id: String(h['webhook-id']),
        timestamp: Number(h['webhook-timestamp']),
        signatures: String(h['webhook-signature'] ?? '').split(' '),
        body: JSON.parse(raw) as Received['body'],
        raw,
        url: req.url ?? '',
      };
      received.push(r);
      answer(r, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (path: string) => `http://127.0.0.1:${port}${path}`,
    received,
    on(fn: typeof answer) {
      answer = fn;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
    server,
  };
}

/** The receiver's side of the Standard Webhooks check, with node:crypto only. */
function signedWith(secret: string, r: Received): boolean {
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = createHmac('sha256', key).update(`${r.id}.${r.timestamp}.${r.raw}`).digest();
  return r.signatures.some((s) => {
    const [version, sig] = s.split(',');
    const given = Buffer.from(sig ?? '', 'base64');
    return version === 'v1' && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

async function waitFor<T>(what: string, ms: number, probe: () => T | undefined | Promise<T | undefined>): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() - started > ms) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

const CREATE = `mutation($input: CreateWebhookInput!) {
  createWebhook(input: $input) { created { secret webhook { id url eventTypes status places { code } } } errors { code message field } }
}`;
const SUBMIT = `mutation($place: ID!, $title: String!) {
  submitRequest(input: { title: $title, placeId: $place, kind: NEED, channel: PHONE, callbackPhone: "13800000000" }) { request { id } errors { code message } }
}`;
const LOG = `{ webhooks { nodes { id status disabledReason deliveries(first: 50) { nodes { id messageId event status attempts lastError payload
  attemptLog { attempt statusCode durationMs error } } } } } }`;

let app: TestApp;
let receiver: Awaited<ReturnType<typeof startReceiver>>;
let communityA: Place;
let communityB: Place;
let householdA: Place;
/** A district app's key scoped to community A, allowed to manage webhooks. */
let keyA: Caller;
/** An administrator's key: everywhere. */
let wideKey: Caller;
/** How the dispatcher resolves receivers' names: the system's, unless a test answers itself. */
let resolveName: ResolveAll = systemResolve;

beforeAll(async () => {
  app = await createTestApp({
    webhooks: {
      resolve: (host, options) => resolveName(host, options),
      pollIntervalMs: 25,
      timeoutMs: 1_000,
      retryBaseMs: 100,
      retryMaxMs: 300,
      retryWindowMs: 1_500,
      pruneIntervalMs: 100,
    },
  });
  receiver = await startReceiver();
  const em = app.platform.orm.em.fork();
  const place = placeWriter(em);
  const district = place(PlaceType.DISTRICT, 'D1', '海淀区', null);
  const street = place(PlaceType.SUBDISTRICT, 'S1', '学院路街道', district);
  communityA = place(PlaceType.COMMUNITY, 'CA', '成仪路社区', street);
  communityB = place(PlaceType.COMMUNITY, 'CB', '石油大院社区', street);
  const building = place(PlaceType.BUILDING, 'CA-1', '1号楼', communityA);
  householdA = place(PlaceType.HOUSEHOLD, 'CA-1-101', '101室', building);
  await em.flush();
  keyA = await apiKeyCaller(app, { name: '社区通知应用', placeIds: [communityA.uuid], permissions: ['webhook.manage', 'request.submit'] });
  wideKey = await apiKeyCaller(app, { name: '区级平台', placeIds: [], permissions: ['webhook.manage'] });
}, 60_000);

afterAll(async () => {
  await receiver?.close();
  await app?.close();
});

// A test that fails leaves no webhook behind for the next.
afterEach(async () => {
  await app.platform.orm.em.fork().execute('DELETE FROM webhook');
});

beforeEach(() => {
  receiver.received.length = 0;
  receiver.on((_r, res) => res.writeHead(200).end('ok'));
});

async function create(caller: Caller, input: Record<string, unknown>) {
  const data = await app.run(CREATE, { input }, { caller });
  expect(data.createWebhook.errors).toEqual([]);
  return data.createWebhook.created as { secret: string; webhook: { id: string } };
}

async function submit(place: Place, title: string): Promise<string> {
  const data = await app.run(SUBMIT, { place: place.id, title });
  expect(data.submitRequest.errors).toEqual([]);
  return data.submitRequest.request.id as string;
}

async function remove(caller: Caller, id: string) {
  const data = await app.run('mutation($id: ID!) { deleteWebhook(id: $id) { errors { code } } }', { id }, { caller });
  expect(data.deleteWebhook.errors).toEqual([]);
}

test('a scoped key gets every event of its places, signed, and none of other places or without a place', async () => {
  const scoped = await create(keyA, { url: receiver.url('/scoped'), eventTypes: ['*'] });
  const wide = await create(wideKey, { url: receiver.url('/wide'), eventTypes: ['request.created', 'misc.tick'] });
  expect(scoped.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);

  const inA = [await submit(householdA, '楼道灯坏了'), await submit(communityA, '想要一个快递柜'), await submit(householdA, '暖气不热')];
  const inB = [await submit(communityB, '路面结冰')];
  // An event about no place at all: only for callers who see everywhere.
  await app.platform.events.emit('misc.tick', { at: 'now' });

  const expected = inA.length + inA.length + inB.length + 1; // scoped: A's; wide: A's, B's and the tick
  await waitFor('every delivery', 10_000, () => (receiver.received.length >= expected ? true : undefined));
  await new Promise((r) => setTimeout(r, 300)); // nothing more comes
  expect(receiver.received).toHaveLength(expected);

  const to = (path: string) => receiver.received.filter((r) => r.url === path);
  const requestIds = (list: Received[]) => list.filter((r) => r.body.type === 'request.created').map((r) => r.body.data.requestId);
  // Ids arrive as the global ids the API answers with.
  expect(new Set(requestIds(to('/scoped')))).toEqual(new Set(inA));
  expect(to('/scoped').map((r) => r.body.type)).toEqual(['request.created', 'request.created', 'request.created']);
  expect(new Set(requestIds(to('/wide')))).toEqual(new Set([...inA, ...inB]));
  expect(
    to('/wide')
      .filter((r) => r.body.type === 'misc.tick')
      .map((r) => r.body.data),
  ).toEqual([{ at: 'now' }]);
  // Signed with the webhook's own secret (and not the other's); one delivery id each.
  for (const r of to('/scoped')) expect([signedWith(scoped.secret, r), signedWith(wide.secret, r)]).toEqual([true, false]);
  for (const r of to('/wide')) expect(signedWith(wide.secret, r)).toBe(true);
  expect(new Set(receiver.received.map((r) => r.id)).size).toBe(expected);
  expect(Math.abs(receiver.received[0].timestamp - Date.now() / 1000)).toBeLessThan(30);

  // The delivery log shows each, delivered once; the key sees only its own webhook.
  const log = await app.run(LOG, {}, { caller: keyA });
  expect(log.webhooks.nodes).toHaveLength(1);
  expect(log.webhooks.nodes[0].deliveries.nodes.map((d: { status: string; attempts: number }) => [d.status, d.attempts])).toEqual(
    inA.map(() => ['SUCCEEDED', 1]),
  );
  expect(log.webhooks.nodes[0].deliveries.nodes[0].attemptLog).toEqual([
    { attempt: 1, statusCode: 200, durationMs: expect.any(Number), error: null },
  ]);
  // The log pages one delivery at a time, every delivery once; the status filter is bound into its cursors.
  const PAGE = `query ($after: String, $status: WebhookDeliveryStatus) { webhooks { nodes {
    deliveries(first: 1, after: $after, status: $status) { nodes { id } pageInfo { hasNextPage endCursor } } } } }`;
  const paged: string[] = [];
  for (let after: string | null = null, more = true; more;) {
    const page: { nodes: { id: string }[]; pageInfo: { endCursor: string | null; hasNextPage: boolean } } = (
      await app.run(PAGE, { after, status: 'SUCCEEDED' }, { caller: keyA })
    ).webhooks.nodes[0].deliveries;
    paged.push(...page.nodes.map((d: { id: string }) => d.id));
    [after, more] = [page.pageInfo.endCursor, page.pageInfo.hasNextPage];
  }
  expect(paged).toEqual(log.webhooks.nodes[0].deliveries.nodes.map((d: { id: string }) => d.id));
  const cursor = (await app.run(PAGE, { status: 'SUCCEEDED' }, { caller: keyA })).webhooks.nodes[0].deliveries.pageInfo.endCursor;
  const refused = await app.execute(PAGE, { after: cursor, status: 'PENDING' }, { caller: keyA });
  expect(refused.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  await remove(keyA, scoped.webhook.id);
  await remove(wideKey, wide.webhook.id);
}, 30_000);

test("a social worker's webhook gets the events of the community where the role holds, and stops when it ends", async () => {
  const person = (await app.run('mutation { createPerson(input: { name: "王社工" }) { person { id } errors { code message } } }'))
    .createPerson.person.id as string;
  const role = await app.run(
    'mutation($p: ID!, $c: ID!) { assignRole(personId: $p, placeId: $c, role: SOCIAL_WORKER, startsOn: "2020-01-01") { role { id } errors { code message } } }',
    { p: person, c: communityA.id },
  );
  expect(role.assignRole.errors).toEqual([]);
  const worker: Caller = { id: Buffer.from(person, 'base64').toString().split(':')[1], kind: 'person' };
  const hook = await create(worker, { url: receiver.url('/worker'), eventTypes: ['request.created'] });
  await submit(communityB, '别的社区的事');
  const mine = await submit(householdA, '本社区的事');
  const r = await waitFor('delivery', 10_000, () => receiver.received[0]);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(receiver.received).toHaveLength(1);
  expect(signedWith(hook.secret, r)).toBe(true);
  expect(r.body.data.requestId).toBe(mine);
  // The receiver fetches what it needs by the delivered id, as the webhook's owner.
  const fetched = await app.run(
    'query($id: ID!) { node(id: $id) { ... on Request { title } } }',
    { id: r.body.data.requestId },
    { caller: worker },
  );
  expect(fetched.node).toEqual({ title: '本社区的事' });

  // The role ends: the person sees nothing any more, so nothing more is sent.
  await app.platform.orm.em.fork().execute(`UPDATE person_role SET ends_on = '2021-01-01' WHERE person_id = ?`, [worker.id]);
  await submit(householdA, '角色结束后的事');
  await new Promise((resolve) => setTimeout(resolve, 400));
  expect(receiver.received).toHaveLength(1);
  await app.platform.orm.em
    .fork()
    .execute('DELETE FROM webhook WHERE id = ?', [Buffer.from(hook.webhook.id, 'base64').toString().split(':')[1]]);
}, 30_000);

test('a delivery answered 500 is retried with the same webhook-id until it succeeds', async () => {
  const hook = await create(keyA, { url: receiver.url('/flaky'), eventTypes: ['request.created'] });
  let failures = 2;
  receiver.on((_r, res) => (failures-- > 0 ? res.writeHead(500).end('busy') : res.writeHead(204).end()));
  const requestId = await submit(householdA, '电梯异响');
  await waitFor('the third attempt', 10_000, () => (receiver.received.length >= 3 ? true : undefined));
  await new Promise((r) => setTimeout(r, 400));
  expect(receiver.received).toHaveLength(3);
  expect(new Set(receiver.received.map((r) => r.id)).size).toBe(1);
  for (const r of receiver.received) expect(signedWith(hook.secret, r)).toBe(true);
  expect(receiver.received[2].body.data.requestId).toBe(requestId);

  const [webhook] = (await app.run(LOG, {}, { caller: keyA })).webhooks.nodes;
  const [delivery] = webhook.deliveries.nodes;
  expect(delivery).toMatchObject({ messageId: receiver.received[0].id, status: 'SUCCEEDED', attempts: 3, lastError: null });
  expect(delivery.attemptLog.map((a: { statusCode: number; error: string | null }) => [a.statusCode, a.error])).toEqual([
    [500, 'HTTP 500'],
    [500, 'HTTP 500'],
    [204, null],
  ]);
  await remove(keyA, hook.webhook.id);
}, 30_000);

test('a delivery queued by core 0.4, with row uuids in its payload, reaches its receiver with global ids', async () => {
  const hook = await create(keyA, { url: receiver.url('/queued-before'), eventTypes: ['request.created'] });
  const requestId = await submit(householdA, '单元门锁坏了');
  await waitFor('the delivery of the submission', 10_000, () => (receiver.received.length >= 1 ? true : undefined));
  // What the fan-out of core 0.4 wrote: the payload as emitted, ids as row uuids.
  const uuid = uuidOf(requestId);
  await app.platform.orm.em.fork().execute(
    `INSERT INTO webhook_delivery (id, webhook_id, source_id, event, payload, occurred_at)
     VALUES (?, ?, ?, 'request.created', ?::jsonb, now())`,
    [
      randomUUID(),
      uuidOf(hook.webhook.id),
      Date.now(), // an outbox row id: none of this test's is that large
      JSON.stringify({ requestId: uuid, placePath: householdA.path, status: 'submitted', level: 'grid' }),
    ],
  );
  await waitFor('the queued delivery', 10_000, () => (receiver.received.length >= 2 ? true : undefined));
  // Both arrive alike: the id a receiver passes to node(id:), the path as it was.
  expect(receiver.received.map((r) => r.body.data.requestId)).toEqual([requestId, requestId]);
  expect(receiver.received[1].body.data).toEqual({ requestId, placePath: householdA.path, status: 'submitted', level: 'grid' });
  expect(signedWith(hook.secret, receiver.received[1])).toBe(true);
  await remove(keyA, hook.webhook.id);
}, 30_000);

test('updating a webhook changes where and what it receives; its secret stays; a bad value is refused and changes nothing', async () => {
  const hook = await create(keyA, { url: receiver.url('/before'), eventTypes: ['request.created'] });
  const UPDATE = `mutation($id: ID!, $input: UpdateWebhookInput!) {
    updateWebhook(id: $id, input: $input) { webhook { url eventTypes places { code } } errors { code message field } } }`;
  const update = async (input: Record<string, unknown>, caller: Caller = keyA) =>
    (await app.run(UPDATE, { id: hook.webhook.id, input }, { caller })).updateWebhook;

  const updated = await update({ url: receiver.url('/after'), eventTypes: ['request.status-changed'] });
  expect(updated).toEqual({
    errors: [],
    webhook: { url: receiver.url('/after'), eventTypes: ['request.status-changed'], places: [] },
  });
  // A new request is no longer delivered; its acceptance is, to the new URL, signed with the same secret.
  const requestId = await submit(householdA, '楼道灯不亮');
  const moved = await app.run('mutation($id: ID!) { changeRequestStatus(id: $id, to: ACCEPTED) { errors { code } } }', { id: requestId });
  expect(moved.changeRequestStatus.errors).toEqual([]);
  const r = await waitFor('the status change', 10_000, () => receiver.received[0]);
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(receiver.received.map((d) => [d.url, d.body.type, d.body.data.requestId])).toEqual([
    ['/after', 'request.status-changed', requestId],
  ]);
  expect(signedWith(hook.secret, r)).toBe(true);

  // Refused, each naming its field; the webhook stays as it was.
  expect((await update({ eventTypes: ['request.creatd'] })).errors).toEqual([
    expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.eventTypes', message: expect.stringContaining('request.created') }),
  ]);
  expect((await update({ url: 'http://example.org/hook' })).errors).toEqual([
    expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.url' }),
  ]);
  // A place the key does not see answers like a made-up id.
  expect((await update({ placeIds: [communityB.id] })).errors).toEqual([
    expect.objectContaining({ code: 'NOT_FOUND', field: 'input.placeIds.0' }),
  ]);
  const neighbour = await apiKeyCaller(app, { name: '隔壁应用', placeIds: [communityA.uuid], permissions: ['webhook.manage'] });
  expect((await update({ eventTypes: ['*'] }, neighbour)).errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'id' })]);
  const now = await app.run(
    'query($id: ID!) { node(id: $id) { ... on Webhook { url eventTypes } } }',
    { id: hook.webhook.id },
    { caller: keyA },
  );
  expect(now.node).toEqual({ url: receiver.url('/after'), eventTypes: ['request.status-changed'] });

  // Narrowed to a place of its community, then back to all it sees.
  expect((await update({ placeIds: [communityA.id] })).webhook.places).toEqual([{ code: 'CA' }]);
  expect((await update({ placeIds: [] })).webhook.places).toEqual([]);
}, 30_000);

test('a ping reaches only the webhook pinged, signed, whatever its event types, and shows in its log; a disabled one is not pinged', async () => {
  const hook = await create(keyA, { url: receiver.url('/ping'), eventTypes: ['request.rated'] });
  const other = await create(keyA, { url: receiver.url('/other'), eventTypes: ['*'] });
  const PING = 'mutation($id: ID!) { pingWebhook(id: $id) { delivery { messageId event status payload } errors { code message field } } }';
  const pinged = (await app.run(PING, { id: hook.webhook.id }, { caller: keyA })).pingWebhook;
  expect(pinged).toMatchObject({ errors: [], delivery: { event: 'webhook.ping', status: 'PENDING' } });
  await waitFor('the ping', 10_000, () => (receiver.received.length >= 1 ? true : undefined));
  // A second ping is a delivery of its own.
  expect((await app.run(PING, { id: hook.webhook.id }, { caller: keyA })).pingWebhook.errors).toEqual([]);
  await waitFor('the second ping', 10_000, () => (receiver.received.length >= 2 ? true : undefined));
  await new Promise((r) => setTimeout(r, 200));
  expect(receiver.received.map((r) => [r.url, r.body.type])).toEqual([
    ['/ping', 'webhook.ping'],
    ['/ping', 'webhook.ping'],
  ]);
  expect(receiver.received[0].id).toBe(pinged.delivery.messageId);
  expect(receiver.received[0].body.data).toEqual({
    webhookId: hook.webhook.id,
    url: receiver.url('/ping'),
    message: expect.stringMatching(/^A test delivery/),
  });
  for (const r of receiver.received) expect(signedWith(hook.secret, r)).toBe(true);
  const log = (await app.run(LOG, {}, { caller: keyA })).webhooks.nodes.find((w: { id: string }) => w.id === hook.webhook.id);
  expect(log.deliveries.nodes.map((d: { event: string; status: string }) => [d.event, d.status])).toEqual([
    ['webhook.ping', 'SUCCEEDED'],
    ['webhook.ping', 'SUCCEEDED'],
  ]);

  // Another caller's webhook answers as a made-up id would (administrators, who see everywhere, may ping it); a disabled one is refused.
  const neighbour = await apiKeyCaller(app, { name: '邻居应用', placeIds: [communityA.uuid], permissions: ['webhook.manage'] });
  const stranger = await app.run(PING, { id: hook.webhook.id }, { caller: neighbour });
  expect(stranger.pingWebhook.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'id' })]);
  await app.platform.orm.em
    .fork()
    .execute(`UPDATE webhook SET status = 'disabled' WHERE id = ?`, [Buffer.from(hook.webhook.id, 'base64url').toString().split(':')[1]]);
  const refused = await app.run(PING, { id: hook.webhook.id }, { caller: keyA });
  expect(refused.pingWebhook).toEqual({
    delivery: null,
    errors: [
      { code: 'ILLEGAL_TRANSITION', field: 'id', message: expect.stringMatching(/^The webhook is disabled, so a ping would not be sent/) },
    ],
  });
  await remove(keyA, hook.webhook.id);
  await remove(keyA, other.webhook.id);
}, 30_000);

test('a receiver that keeps failing disables the webhook with a reason; enable and replay deliver it with the same id', async () => {
  const hook = await create(keyA, { url: receiver.url('/down'), eventTypes: ['request.created'] });
  receiver.on((_r, res) => res.writeHead(503).end());
  await submit(householdA, '水管漏水');
  const disabled = await waitFor('disabled', 10_000, async () => {
    const [w] = (await app.run(LOG, {}, { caller: keyA })).webhooks.nodes;
    return w.status === 'DISABLED' ? w : undefined;
  });
  expect(disabled.disabledReason).toMatch(/^Deliveries failed for 1\.5 s: .* the last with HTTP 503\. Fix the receiver at .*\/down/);
  const [failed] = disabled.deliveries.nodes;
  expect(failed.status).toBe('FAILED');
  expect(failed.attempts).toBeGreaterThanOrEqual(4);
  expect(failed.attemptLog).toHaveLength(failed.attempts);
  const sent = receiver.received.length;
  expect(sent).toBe(failed.attempts);
  // Disabled: new events are not delivered.
  await submit(householdA, '又漏水了');
  await new Promise((r) => setTimeout(r, 400));
  expect(receiver.received).toHaveLength(sent);

  // Replay waits for the webhook to be enabled (nothing would be sent).
  const REPLAY = 'mutation($id: ID!) { replayWebhookDelivery(deliveryId: $id) { delivery { status } errors { code message } } }';
  const refused = await app.run(REPLAY, { id: failed.id }, { caller: keyA });
  expect(refused.replayWebhookDelivery.errors[0].code).toBe('ILLEGAL_TRANSITION');

  receiver.on((_r, res) => res.writeHead(200).end());
  const enabled = await app.run(
    'mutation($id: ID!) { enableWebhook(id: $id) { webhook { status disabledReason } errors { code } } }',
    { id: disabled.id },
    { caller: keyA },
  );
  expect(enabled.enableWebhook.webhook).toEqual({ status: 'ACTIVE', disabledReason: null });
  const replayed = await app.run(REPLAY, { id: failed.id }, { caller: keyA });
  expect(replayed.replayWebhookDelivery).toEqual({ delivery: { status: 'PENDING' }, errors: [] });
  const again = await waitFor('the replay', 10_000, () => receiver.received.find((r, i) => i >= sent && r.id === failed.messageId));
  expect(signedWith(hook.secret, again)).toBe(true);
  const [after] = (await app.run(LOG, {}, { caller: keyA })).webhooks.nodes;
  expect(after.deliveries.nodes.find((d: { id: string }) => d.id === failed.id)).toMatchObject({
    status: 'SUCCEEDED',
    attempts: failed.attempts + 1,
  });
  await remove(keyA, hook.webhook.id);
}, 30_000);

test('finished deliveries past the retention period leave the log; recent and pending ones stay', async () => {
  const hook = await create(keyA, { url: receiver.url('/kept'), eventTypes: ['request.created'] });
  await submit(householdA, '楼道灯坏了');
  await submit(householdA, '垃圾没清运');
  const delivered = await waitFor('both delivered', 10_000, async () => {
    const [w] = (await app.run(LOG, {}, { caller: keyA })).webhooks.nodes;
    return w.deliveries.nodes.length === 2 && w.deliveries.nodes.every((d: { status: string }) => d.status === 'SUCCEEDED')
      ? w.deliveries.nodes
      : undefined;
  });
  const [old, recent] = delivered as { id: string; messageId: string }[];
  const em = app.platform.orm.em.fork();
  // One delivery finished 31 days ago (past the default 30); one as old but still pending (its webhook disabled mid-series).
  await em.execute(`UPDATE webhook_delivery SET created_at = now() - interval '31 days' WHERE id = ?`, [old.messageId]);
  receiver.on((_r, res) => res.writeHead(503).end());
  await submit(householdA, '井盖松动');
  await waitFor('the third delivery, pending', 10_000, async () =>
    (await app.run(LOG, {}, { caller: keyA })).webhooks.nodes[0].deliveries.nodes.some((d: { status: string }) => d.status === 'PENDING')
      ? true
      : undefined,
  );
  await em.execute(`UPDATE webhook SET status = 'disabled' WHERE id = (SELECT webhook_id FROM webhook_delivery WHERE id = ?)`, [
    recent.messageId,
  ]);
  await em.execute(`UPDATE webhook_delivery SET created_at = now() - interval '40 days' WHERE status = 'pending'`);
  const kept = await waitFor('the old one pruned', 10_000, async () => {
    const [w] = (await app.run(LOG, {}, { caller: keyA })).webhooks.nodes;
    return w.deliveries.nodes.some((d: { id: string }) => d.id === old.id) ? undefined : w.deliveries.nodes;
  });
  expect(kept.map((d: { id: string; status: string }) => [d.id === recent.id, d.status]).sort()).toEqual([
    [false, 'PENDING'],
    [true, 'SUCCEEDED'],
  ]);
  // Its attempts went with it.
  const [{ count }] = await em.execute('SELECT count(*)::int AS count FROM webhook_attempt WHERE delivery_id = ?', [old.messageId]);
  expect(count).toBe(0);
  await remove(keyA, hook.webhook.id);
}, 30_000);

test('a rotated secret signs at once; the old one also signs during the grace period', async () => {
  const hook = await create(keyA, { url: receiver.url('/rotate'), eventTypes: ['request.created'] });
  const rotated = await app.run(
    'mutation($id: ID!) { rotateWebhookSecret(id: $id, graceSeconds: 3600) { created { secret webhook { previousSecretExpiresAt } } errors { code } } }',
    { id: hook.webhook.id },
    { caller: keyA },
  );
  const { secret, webhook } = rotated.rotateWebhookSecret.created;
  expect(secret).not.toBe(hook.secret);
  expect(new Date(webhook.previousSecretExpiresAt).getTime()).toBeGreaterThan(Date.now() + 3_500_000);
  await submit(householdA, '门禁卡失灵');
  const r = await waitFor('delivery', 10_000, () => receiver.received[0]);
  expect(r.signatures).toHaveLength(2);
  expect([signedWith(secret, r), signedWith(hook.secret, r)]).toEqual([true, true]);

  await app.run(
    'mutation($id: ID!) { rotateWebhookSecret(id: $id, graceSeconds: 0) { errors { code } } }',
    { id: hook.webhook.id },
    { caller: keyA },
  );
  receiver.received.length = 0;
  await submit(householdA, '门禁卡又失灵');
  const next = await waitFor('delivery', 10_000, () => receiver.received[0]);
  expect(next.signatures).toHaveLength(1);
  expect(signedWith(secret, next)).toBe(false); // the secret of the first rotation no longer signs
  await remove(keyA, hook.webhook.id);
}, 30_000);

test('a receiver that never answers does not slow the API; its attempts time out', async () => {
  const hung: ServerResponse[] = [];
  receiver.on((_r, res) => void hung.push(res));
  const hook = await create(keyA, { url: receiver.url('/hang'), eventTypes: ['request.created'] });
  const started = performance.now();
  for (let i = 0; i < 10; i++) await submit(householdA, `第${i + 1}件事`);
  const took = performance.now() - started;
  // Were the sends on the request path, each submission would wait for its 1 s timeout (10 s in
  // all); they are not: ten submissions take what they take without a webhook (well under 1 s on
  // an idle machine; the bound leaves room for a loaded one).
  expect(took).toBeLessThan(5_000);
  const timedOut = await waitFor('timeouts', 10_000, async () => {
    const [w] = (await app.run(LOG, {}, { caller: keyA })).webhooks.nodes;
    const errors = w.deliveries.nodes.flatMap((d: { attemptLog: { error: string }[] }) => d.attemptLog.map((a) => a.error));
    return errors.length >= 10 ? errors : undefined;
  });
  expect(timedOut.every((e: string) => e === 'no answer within 1000 ms')).toBe(true);
  for (const res of hung) res.destroy();
  await remove(keyA, hook.webhook.id);
}, 30_000);

test('webhook rules: the permission, https, places the key holds it at, and nobody else sees or deletes a webhook', async () => {
  const plain = await apiKeyCaller(app, { name: '只读应用', placeIds: [communityA.uuid], permissions: ['request.submit'] });
  const denied = await app.execute(CREATE, { input: { url: receiver.url('/x'), eventTypes: ['*'] } }, { caller: plain });
  expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

  const http = await app.run(CREATE, { input: { url: 'http://example.org/hook', eventTypes: ['*'] } }, { caller: keyA });
  expect(http.createWebhook.errors).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT', field: 'input.url' })]);
  const badType = await app.run(CREATE, { input: { url: 'https://example.org/hook', eventTypes: ['Request Created'] } }, { caller: keyA });
  expect(badType.createWebhook.errors[0]).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.eventTypes' });
  // A name core does not emit (a typo) would never deliver anything: refused, with the names near it.
  const typo = await app.run(CREATE, { input: { url: 'https://example.org/hook', eventTypes: ['request.creatd'] } }, { caller: keyA });
  expect(typo.createWebhook.errors).toEqual([
    {
      code: 'BAD_USER_INPUT',
      field: 'input.eventTypes',
      message: expect.stringMatching(/^"input.eventTypes" has "request.creatd", which this server does not emit .*request\.created/),
    },
  ]);
  const otherPlace = await app.run(
    CREATE,
    { input: { url: 'https://example.org/hook', eventTypes: ['*'], placeIds: [communityB.id] } },
    { caller: keyA },
  );
  expect(otherPlace.createWebhook.errors[0]).toMatchObject({ code: 'NOT_FOUND', field: 'input.placeIds.0' });

  const hook = await create(keyA, { url: 'https://example.org/hook', eventTypes: ['request.created'], placeIds: [communityA.id] });
  const otherKey = await apiKeyCaller(app, { name: '另一个应用', placeIds: [communityA.uuid], permissions: ['webhook.manage'] });
  expect((await app.run('{ webhooks { nodes { id } } }', {}, { caller: otherKey })).webhooks.nodes).toEqual([]);
  const steal = await app.run(
    'mutation($id: ID!) { deleteWebhook(id: $id) { errors { code field } } }',
    { id: hook.webhook.id },
    { caller: otherKey },
  );
  expect(steal.deleteWebhook.errors).toEqual([{ code: 'NOT_FOUND', field: 'id' }]);
  expect((await app.run(LOG, {}, { caller: keyA })).webhooks.nodes.map((w: { id: string }) => w.id)).toEqual([hook.webhook.id]);
  await remove(keyA, hook.webhook.id);
  expect((await app.run('{ webhooks { nodes { id } } }', {}, { caller: keyA })).webhooks.nodes).toEqual([]);
});

test('an https receiver on the server’s own network is refused with the reason, unless private networks are allowed', async () => {
  // https to loopback (here: nothing listens) and a name that resolves to it: neither is contacted.
  const hook = await create(keyA, { url: 'https://127.0.0.1:9/hooks', eventTypes: ['request.created'] });
  await submit(householdA, '电梯异响');
  const log = await attemptLogOf(1);
  expect(log[0]).toMatchObject({ statusCode: null, error: expect.stringContaining('refused: 127.0.0.1 is on a private network') });
  await remove(keyA, hook.webhook.id);
});

/** The attempt log of the only webhook's first delivery, once it holds `n` attempts. */
function attemptLogOf(n: number) {
  return waitFor(`${n} attempts`, 10_000, async () => {
    const data = await app.run(LOG, {}, { caller: keyA });
    const [delivery] = data.webhooks.nodes[0].deliveries.nodes as { attemptLog: { error: string | null; statusCode: number | null }[] }[];
    return delivery && delivery.attemptLog.length >= n ? delivery.attemptLog : undefined;
  });
}

test('a name is checked on the answer its connection uses: one resolution per attempt, so a changed answer (DNS rebinding) is caught', async () => {
  // The name answers a public address first and the server's own after, as a rebinding name
  // does between a check and the request. Each attempt resolves it once, for its connection.
  const answers: string[] = [];
  resolveName = () => {
    const address = answers.length === 0 ? '203.0.113.7' : '127.0.0.1';
    answers.push(address);
    return Promise.resolve([{ address, family: 4 }]);
  };
  try {
    const hook = await create(keyA, { url: 'https://receiver.example:9/hooks', eventTypes: ['request.created'] });
    await submit(householdA, '楼道灯不亮');
    const log = await attemptLogOf(2);
    // The first attempt connected to the public address (nothing answers there offline: it fails
    // as a network error, not as a refusal); the second, told 127.0.0.1, was refused before any request.
    // Had the answer been asked twice for one attempt (a check, then the connection), the first
    // attempt would have been let through and connected to 127.0.0.1.
    expect(log[0].error).not.toContain('refused:');
    expect(log[0].error).not.toContain('127.0.0.1');
    expect(log[1]).toMatchObject({
      statusCode: null,
      error: expect.stringContaining('refused: receiver.example is on a private network (127.0.0.1)'),
    });
    expect(answers.slice(0, 2)).toEqual(['203.0.113.7', '127.0.0.1']);
    await remove(keyA, hook.webhook.id);
  } finally {
    resolveName = systemResolve;
  }
});

test('a name with any private address among its answers is refused, through the system resolver too', async () => {
  resolveName = () =>
    Promise.resolve([
      { address: '203.0.113.7', family: 4 },
      { address: '10.0.0.8', family: 4 },
    ]);
  try {
    const mixed = await create(keyA, { url: 'https://mixed.example/hooks', eventTypes: ['request.created'] });
    await submit(householdA, '水管漏水');
    expect((await attemptLogOf(1))[0].error).toContain('refused: mixed.example is on a private network (10.0.0.8)');
    await remove(keyA, mixed.webhook.id);
  } finally {
    resolveName = systemResolve;
  }
  const local = await create(keyA, { url: 'https://localhost:9/hooks', eventTypes: ['request.created'] });
  await submit(householdA, '门禁损坏');
  expect((await attemptLogOf(1))[0].error).toMatch(/^refused: localhost is on a private network \((127\.0\.0\.1|::1)\)/);
  await remove(keyA, local.webhook.id);
});

test('private, loopback and link-local addresses are recognised, IPv4-mapped IPv6 too; public ones are not', () => {
  const privateOnes = ['10.1.2.3', '172.20.0.1', '192.168.1.1', '127.0.0.1', '169.254.169.254', '100.64.0.1', '0.0.0.0'];
  const privateV6 = ['::1', 'fd00::1', 'fe80::1', '::ffff:10.0.0.1', '::'];
  for (const a of [...privateOnes, ...privateV6]) expect([a, isPrivateAddress(a)]).toEqual([a, true]);
  for (const a of ['8.8.8.8', '172.32.0.1', '2001:4860:4860::8888', '::ffff:8.8.8.8']) expect([a, isPrivateAddress(a)]).toEqual([a, false]);
});
