import { spawn } from 'node:child_process';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createTestDatabase, type TestDatabase } from '@gongzhi/core/testing';
import { createGatewayLogger, type RunningGateway, startGateway } from '@gongzhi/gateway';
import { postGraphQL, TEST_ADMIN_KEY, tempDir, testConfig } from '../../../packages/gateway/test/helpers.js';
import { type BoardChange, DistrictClient, type OpenRequest } from '../src/client.js';
import type { RequestStatus } from '../src/gql/graphql.js';
import { run } from '../src/main.js';

const app = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const OPEN: RequestStatus[] = ['SUBMITTED', 'ACCEPTED', 'ASSIGNED', 'CLAIMED', 'IN_PROGRESS', 'ESCALATED'];

/** Runs the example's code generator with `args`; resolves with its exit code and output. */
async function codegen(...args: string[]): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['codegen.mjs', ...args], { cwd: app, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  return { code, output };
}

describe('the generated client code', () => {
  test('is current against the committed schema (schema/current/composed.graphql)', async () => {
    const { code, output } = await codegen('--check');
    expect(output).toContain('is current');
    expect(code).toBe(0);
  }, 30_000);

  test('the check fails when the schema changes under it', async () => {
    const dir = await tempDir('gongzhi-codegen-');
    try {
      // A schema in which Request.title became nullable: the generated types would change.
      const schema = path.join(dir.dir, 'schema.graphql');
      const sdl = await readFile(path.resolve(app, '../../schema/current/composed.graphql'), 'utf8');
      const changed = sdl.replace(/(type Request implements Node \{[^}]*?\n {2}title: )String!/, '$1String');
      expect(changed).not.toBe(sdl);
      await writeFile(schema, changed);
      const out = path.join(dir.dir, 'graphql.ts');
      await copyFile(path.join(app, 'src/gql/graphql.ts'), out);
      const { code, output } = await codegen('--check', '--schema', schema, '--out', out);
      expect(output).toContain('is not current');
      expect(code).toBe(1);
    } finally {
      await dir.remove();
    }
  }, 30_000);
});

describe('the district app against a real gateway', () => {
  let db: TestDatabase;
  let gateway: RunningGateway;
  let client: DistrictClient;
  let communityId: string;

  beforeAll(async () => {
    db = await createTestDatabase();
    gateway = await startGateway(testConfig({ DATABASE_URL: db.url }), createGatewayLogger('silent', false));
    client = new DistrictClient({ url: gateway.server.url, apiKey: TEST_ADMIN_KEY });
    // The test finds a community of the demo district; the app is then given its id, as an office would give it.
    const { data } = await postGraphQL(gateway.server.url, '{ places(type: COMMUNITY) { nodes { id } } }');
    communityId = data.places.nodes[0].id;
  }, 120_000);
  afterAll(async () => {
    await gateway?.stop();
    await db?.drop();
  });

  test('reads a community through node(id:) and pages through its open requests with typed results', async () => {
    const community = await client.community(communityId);
    expect(community?.name).toMatch(/社区$/);
    const madeUp = Buffer.from('Place:00000000-0000-0000-0000-000000000000').toString('base64url');
    expect(await client.community(madeUp)).toBeNull();

    // Five more open requests, so that a page of 2 makes several pages.
    for (const title of ['楼道灯坏了', '垃圾桶满溢', '健身器材松动', '井盖缺失', '电动车违规充电']) {
      const { errors } = await client.submitRequest({
        placeId: communityId,
        kind: 'REPORT',
        channel: 'PHONE',
        title,
        callbackPhone: '13800138000',
      });
      expect(errors).toEqual([]);
    }
    // The pages together are the same requests, in the same order, as one large page.
    const paged: OpenRequest[] = [];
    for await (const request of client.openRequests(communityId, 2)) paged.push(request);
    const all: OpenRequest[] = [];
    for await (const request of client.openRequests(communityId, 100)) all.push(request);
    expect(paged.length).toBeGreaterThanOrEqual(5);
    expect(paged.map((r) => r.id)).toEqual(all.map((r) => r.id));
    expect(new Set(paged.map((r) => r.id)).size).toBe(paged.length);
    for (const request of paged) {
      // Typed: `status` is the RequestStatus union, `createdAt` a string, `place.name` is there.
      const status: RequestStatus = request.status;
      expect(OPEN).toContain(status);
      expect(Date.parse(request.createdAt)).not.toBeNaN();
      expect(typeof request.place.name).toBe('string');
      // @ts-expect-error: the OpenRequests query does not select `description`, so its type has none.
      expect(request.description).toBeUndefined();
    }
  }, 60_000);

  test('a refused submission comes back as payload errors with a code, typed', async () => {
    const result = await client.submitRequest({
      placeId: communityId,
      kind: 'NEED',
      channel: 'PHONE',
      title: '   ',
      callbackPhone: '13800138000',
    });
    expect(result.request).toBeNull();
    expect(result.errors.map((e) => e.code)).toEqual(['BAD_USER_INPUT']);
  });

  test('uploads a photo and reports with it; the link the request gives shows the picture', async () => {
    // A 1×1 PNG.
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
    const photo = await client.uploadPhoto(png, 'image/png');
    const result = await client.submitRequest({
      placeId: communityId,
      kind: 'REPORT',
      channel: 'MOBILE_REPORT',
      title: '楼道灯不亮（附照片）',
      callbackPhone: '13800138000',
      photoUploadIds: [photo],
    });
    expect(result.errors).toEqual([]);
    const [shown] = result.request?.photos.nodes ?? [];
    const picture = await fetch(new URL(shown.url, gateway.server.url));
    expect(picture.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await picture.arrayBuffer()).equals(png)).toBe(true);
    // A picture as small as a thumbnail is its own thumbnail, by a link of its own.
    const thumbnail = await fetch(new URL(shown.thumbnailUrl, gateway.server.url));
    expect(Buffer.from(await thumbnail.arrayBuffer()).equals(png)).toBe(true);
    // Not a picture: the gateway's refusal, as an error.
    await expect(client.uploadPhoto(Buffer.from('<svg/>'), 'image/png')).rejects.toThrow(/not a picture of type image\/png/);
  });

  test('the program lists, submits and sees its request arrive on the live board over graphql-ws', async () => {
    const lines: string[] = [];
    const result = await run({ url: gateway.server.url, apiKey: TEST_ADMIN_KEY }, communityId, (line) => lines.push(line));
    const seen: BoardChange = result.seen;
    expect(seen.inBoard).toBe(true);
    expect(seen.card).toMatchObject({
      itemType: 'Request',
      itemId: result.submittedId,
      title: '小区东门路灯不亮',
      status: 'SUBMITTED',
      open: true,
    });
    expect(lines[0]).toBe(`${result.community}: open requests`);
    expect(lines).toContain(`${result.openRequests} open`);
    // The new request is now among the open ones.
    const ids: string[] = [];
    for await (const request of client.openRequests(communityId, 50)) ids.push(request.id);
    expect(ids).toContain(result.submittedId);
    expect(ids).toHaveLength(result.openRequests + 1);
  }, 60_000);
});
