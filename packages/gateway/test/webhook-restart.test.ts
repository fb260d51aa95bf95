/**
 * Webhook deliveries survive a restart in the middle of a retry series (issue 20, item 2): the
 * real gateway process (`dist/cli.js start`, its own data folder and ports) sends a delivery
 * that the receiver on 127.0.0.1 answers 500, is killed with -9 while the retry waits, and is
 * started again: the new process resumes the series, and the receiver sees every attempt with
 * the same webhook-id and a valid signature, and exactly one delivery id answered 2xx.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { freePort } from '@gongzhi/core/testing';
import { type CliRun, must, readyWithin, startCli, startReady, stop, until } from './cli-process.js';
import { TEST_ADMIN_KEY, tempDir } from './helpers.js';

interface Received {
  id: string;
  timestamp: string;
  signature: string;
  body: string;
  answered: number;
}

/** The receiver's check, with node:crypto only (Standard Webhooks, v1). */
function validSignature(secret: string, r: Received): boolean {
  const expected = createHmac('sha256', Buffer.from(secret.slice('whsec_'.length), 'base64'))
    .update(`${r.id}.${r.timestamp}.${r.body}`)
    .digest();
  return r.signature.split(' ').some((s) => {
    const given = Buffer.from(s.slice('v1,'.length), 'base64');
    return s.startsWith('v1,') && given.length === expected.length && timingSafeEqual(given, expected);
  });
}

const LOG = '{ webhooks { nodes { status deliveries { nodes { messageId status attempts attemptLog { attempt statusCode } } } } } }';

test('a gateway killed with -9 in the middle of a retry series resumes it after restart; one delivery id, every attempt signed', async () => {
  const { dir, remove } = await tempDir('gongzhi-webhook-restart-');
  // The receiver answers 500 twice, then 200.
  const received: Received[] = [];
  const receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const answered = received.length < 2 ? 500 : 200;
      received.push({
        id: String(req.headers['webhook-id']),
        timestamp: String(req.headers['webhook-timestamp']),
        signature: String(req.headers['webhook-signature']),
        body,
        answered,
      });
      res.writeHead(answered).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const env = {
    GONGZHI_DATA_DIR: dir,
    GONGZHI_PG_PORT: String(await freePort()),
    PORT: String(await freePort()),
    GONGZHI_PLUGINS: '@gongzhi/plugin-grid',
    GONGZHI_DEV_ADMIN_KEY: TEST_ADMIN_KEY,
    GONGZHI_WEBHOOK_POLL_MS: '100',
    // Four seconds after the first failure: time enough to kill the process while the retry waits.
    GONGZHI_WEBHOOK_RETRY_BASE_MS: '4000',
  };
  const url = `http://127.0.0.1:${env.PORT}`;
  const first = startCli(env);
  let second: CliRun | null = null;
  try {
    await readyWithin(first);
    const { places } = await must(url, '{ places(type: COMMUNITY) { nodes { id code } } }', {}, TEST_ADMIN_KEY);
    const community = (places.nodes as { id: string; code: string }[]).find((p) => p.code === 'DEMO-CYL')!.id;
    const key = (
      await must(
        url,
        'mutation($c: ID!) { createApiKey(input: { name: "居民通知服务", placeIds: [$c], permissions: ["webhook.manage"] }) { created { secret } errors { code message } } }',
        { c: community },
        TEST_ADMIN_KEY,
      )
    ).createApiKey.created.secret as string;
    const { secret } = (
      await must(
        url,
        'mutation($u: String!) { createWebhook(input: { url: $u, eventTypes: ["request.created"] }) { created { secret } errors { code message } } }',
        { u: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/gongzhi` },
        key,
      )
    ).createWebhook.created as { secret: string };
    await must(
      url,
      'mutation($p: ID!) { submitRequest(input: { title: "单元门禁坏了", placeId: $p, kind: REPORT, channel: PHONE, callbackPhone: "13800000000" }) { request { id } errors { code message } } }',
      { p: community },
      TEST_ADMIN_KEY,
    );
    // The first attempt fails and is recorded; the retry waits four seconds. Kill the process now.
    const pending = await until('the first attempt recorded', 20_000, async () => {
      const data = await must(url, LOG, {}, key);
      const [delivery] = data.webhooks.nodes[0].deliveries.nodes;
      return delivery?.attempts === 1 ? delivery : undefined;
    });
    expect(pending).toMatchObject({ status: 'PENDING', attemptLog: [{ attempt: 1, statusCode: 500 }] });
    await stop(first, 'SIGKILL');
    expect(received).toHaveLength(1);

    second = await startReady(env);
    const done = await until('delivered after restart', 60_000, async () => {
      const data = await must(url, LOG, {}, key);
      const [delivery] = data.webhooks.nodes[0].deliveries.nodes;
      return delivery?.status === 'SUCCEEDED' ? delivery : undefined;
    });
    expect(done.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([500, 500, 200]);
    // The receiver's view: three attempts of one delivery id, every one signed with the secret.
    await new Promise((r) => setTimeout(r, 500));
    expect(received.map((r) => r.answered)).toEqual([500, 500, 200]);
    expect(new Set(received.map((r) => r.id))).toEqual(new Set([done.messageId]));
    expect(received.every((r) => validSignature(secret, r))).toBe(true);
    expect(JSON.parse(received[2].body)).toMatchObject({ type: 'request.created', data: { status: 'submitted' } });
  } finally {
    for (const run of [first, second]) await stop(run);
    receiver.close();
    await remove();
  }
}, 240_000);
