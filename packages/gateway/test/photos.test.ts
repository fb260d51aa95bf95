import { signPersonToken, toGlobalId } from '@gongzhi/core';
import type { TestDatabase } from '@gongzhi/core/testing';
import { createGatewayLogger, type RunningGateway } from '@gongzhi/gateway';
import sharp from 'sharp';
import { gatewayDatabase, postGraphQL, startGateway, TEST_ADMIN_KEY, testConfig } from './helpers.js';

/**
 * Photos the platform keeps (随手拍 for a district with no storage of its own), through the real
 * server: a resident uploads a picture, sends it with her report or adds it after; whoever reads the
 * request gets a signed link an <img> shows, good for about an hour; the picture goes with its photo.
 */
const logger = createGatewayLogger('silent', false);
const SECRET = 'photos-test-secret-0123456789abcdef0123456789';
/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=', 'base64');
/** A JPEG segment: marker, length, payload. */
const segment = (marker: number, payload: Buffer) =>
  Buffer.concat([Buffer.from([0xff, marker, (payload.length + 2) >> 8, (payload.length + 2) & 0xff]), payload]);
/** Where the phone was: the EXIF segment a JPEG from a phone carries, which the platform's copy loses. */
const WHERE = segment(0xe1, Buffer.from('Exif\0\0II*\0\x08\0\0\0\0\0GPS 39.8612N 116.4421E', 'latin1'));
/** A JPEG's structure: start, JFIF, the phone's EXIF, a table, the scan to the end. */
const JPEG = Buffer.concat([
  Buffer.from([0xff, 0xd8]),
  segment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1')),
  WHERE,
  segment(0xdb, Buffer.alloc(65, 1)),
  segment(0xda, Buffer.alloc(10, 2)),
  Buffer.from([9, 8, 7, 0xff, 0xd9]),
]);
const MAX = 2000;
let db: TestDatabase;
let gateway: RunningGateway;
/** Two residents of one community: the requester and a neighbour. */
let her: { id: string; token: string; home: string };
let neighbour: { token: string; home: string };

beforeAll(async () => {
  db = await gatewayDatabase();
  gateway = await startGateway(
    testConfig({ DATABASE_URL: db.url, GONGZHI_RATE_LIMIT: '1000', GONGZHI_JWT_SECRET: SECRET, GONGZHI_PHOTO_MAX_BYTES: String(MAX) }),
    logger,
  );
  // Two residents of the first community that has two.
  const residents = await gateway.platform.orm.em
    .fork()
    .getConnection()
    .execute<{ id: string; household_id: string; community: string }[]>(
      `SELECT p.id, p.household_id, c.id AS community FROM person p JOIN place h ON h.id = p.household_id
         JOIN place c ON c.type = 'community' AND h.path LIKE c.path || '%'
        WHERE p.erased_at IS NULL ORDER BY c.code, p.name`,
    );
  const a = residents.find((r, i) => residents.findIndex((o) => o.community === r.community && o !== r) > i);
  const b = residents.find((r) => r.community === a?.community && r !== a);
  her = {
    id: toGlobalId('Person', a!.id),
    token: await signPersonToken(a!.id, { secret: SECRET }),
    home: toGlobalId('Place', a!.household_id),
  };
  neighbour = { token: await signPersonToken(b!.id, { secret: SECRET }), home: toGlobalId('Place', b!.household_id) };
}, 120_000);

afterAll(async () => {
  await gateway?.stop();
  await db?.drop();
});

/** `POST /photos` to `server` (this file's gateway keeps pictures under 2,000 bytes; a test's own takes a phone's). */
const upload = (body: Buffer, type: string, credential: string | null, server: RunningGateway = gateway) =>
  fetch(`${server.server.url}/photos`, {
    method: 'POST',
    headers: { 'content-type': type, ...(credential ? { authorization: `Bearer ${credential}` } : {}) },
    body: new Uint8Array(body),
  });
const uploaded = async (body: Buffer, type: string, credential: string, size = body.length): Promise<string> => {
  const res = await upload(body, type, credential);
  expect(res.status).toBe(201);
  const answer = (await res.json()) as { id: string; contentType: string; size: number };
  expect(answer).toEqual({ id: expect.any(String), contentType: type, size });
  return answer.id;
};
/** The row id in a global id. */
const local = (global: string) => Buffer.from(global, 'base64url').toString('utf8').split(':')[1];
const PHOTOS = 'photos { nodes { id url thumbnailUrl addedBy { name } } }';
const SUBMIT = `mutation($i: SubmitRequestInput!) { submitRequest(input: $i) { request { id ${PHOTOS} } errors { code message field } } }`;
const ADD = `mutation($id: ID!, $url: String, $upload: ID) { addRequestPhoto(id: $id, url: $url, uploadId: $upload) {
  request { ${PHOTOS} } errors { code message field } } }`;
const report = async (photoUploadIds: string[], token: string, placeId = her.home) => {
  const { data, errors } = await postGraphQL(
    gateway.server.url,
    SUBMIT,
    { i: { kind: 'REPORT', channel: 'MOBILE_REPORT', title: '楼道灯不亮', placeId, photoUploadIds } },
    token,
  );
  expect(errors).toBeUndefined();
  return data.submitRequest;
};
const show = (link: string) => fetch(new URL(link, gateway.server.url));

test('a resident uploads a picture and reports with it; her request’s readers see it by a signed link, an <img> with no credential', async () => {
  const id = await uploaded(PNG, 'image/png', her.token);
  // Before it is attached, the upload is hers alone: a neighbour's node(id:) finds nothing.
  const NODE = 'query($id: ID!) { node(id: $id) { ... on PhotoUpload { contentType size } } }';
  expect((await postGraphQL(gateway.server.url, NODE, { id }, her.token)).data.node).toEqual({
    contentType: 'image/png',
    size: PNG.length,
  });
  expect((await postGraphQL(gateway.server.url, NODE, { id }, neighbour.token)).data.node).toBeNull();

  const submitted = await report([id], her.token);
  expect(submitted.errors).toEqual([]);
  const [photo] = submitted.request.photos.nodes;
  expect(photo.url).toMatch(/^\/photos\/[0-9a-f-]{36}\?expires=\d+&signature=[\w-]+$/);
  const res = await show(photo.url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe('image/png');
  expect(res.headers.get('x-content-type-options')).toBe('nosniff');
  expect(res.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
  expect(Buffer.from(await res.arrayBuffer()).equals(PNG)).toBe(true);
  // Staff of the district read the same request, and get a link of their own that shows it too.
  const staff = await postGraphQL(gateway.server.url, `query($id: ID!) { request(id: $id) { ${PHOTOS} } }`, { id: submitted.request.id });
  expect((await show(staff.data.request.photos.nodes[0].url)).status).toBe(200);

  // Open311's media_url is the first photo, its link on this server.
  const open311 = await fetch(`${gateway.server.url}/open311/v2/requests/${encodeURIComponent(submitted.request.id)}.json`, {
    headers: { authorization: `Bearer ${TEST_ADMIN_KEY}` },
  });
  const [served] = (await open311.json()) as { media_url: string }[];
  expect(served.media_url).toMatch(/^http:\/\/[^/]+\/photos\/[0-9a-f-]{36}\?expires=\d+&signature=[\w-]+$/);
  expect((await fetch(served.media_url)).status).toBe(200);

  // A link changed, one past its time, or for another picture is refused; none says whether the picture exists.
  const link = new URL(photo.url, gateway.server.url);
  const uploadUuid = link.pathname.split('/').pop()!;
  const changed = new URL(link);
  changed.searchParams.set('expires', String(Number(link.searchParams.get('expires')) + 3600));
  const expired = new URL(gateway.platform.photoLinks.path(uploadUuid, new Date(Date.now() - 3 * 3_600_000)), gateway.server.url);
  const elsewhere = new URL(link);
  elsewhere.pathname = '/photos/00000000-0000-4000-8000-000000000000';
  for (const bad of [changed, expired, elsewhere]) {
    const refused = await show(bad.href);
    expect(refused.status).toBe(403);
    expect(((await refused.json()) as { errors: { message: string }[] }).errors[0].message).toMatch(/^This link to a photo is not good/);
  }
});

test('a link one process gives out shows the picture on another: the key is the platform’s, made once', async () => {
  const other = await startGateway(testConfig({ DATABASE_URL: db.url, GONGZHI_JWT_SECRET: SECRET }), logger);
  try {
    const id = await uploaded(PNG, 'image/png', her.token);
    const [photo] = (await report([id], her.token)).request.photos.nodes;
    const there = await fetch(new URL(photo.url, other.server.url));
    expect(there.status).toBe(200);
    expect(Buffer.from(await there.arrayBuffer()).equals(PNG)).toBe(true);
  } finally {
    await other.stop();
  }
});

test('the links’ key is replaced once a day: a link given out before stays good on every process; two replacements on, it is not', async () => {
  const sql = (text: string) => gateway.platform.orm.em.fork().getConnection().execute(text);
  const replace = async () => {
    await sql(`UPDATE platform_secret SET created_at = now() - interval '25 hours' WHERE name = 'photo-links'`);
    await gateway.platform.runScheduledTask('core.photo-link-key');
  };
  const other = await startGateway(testConfig({ DATABASE_URL: db.url, GONGZHI_JWT_SECRET: SECRET }), logger);
  let third: RunningGateway | undefined;
  try {
    const id = await uploaded(PNG, 'image/png', her.token);
    const request = (await report([id], her.token)).request;
    const link = async () =>
      (
        await postGraphQL(
          gateway.server.url,
          'query($id: ID!) { request(id: $id) { photos { nodes { url } } } }',
          { id: request.id },
          her.token,
        )
      ).data.request.photos.nodes[0].url as string;
    const before = await link();
    // A key younger than a day stays.
    await gateway.platform.runScheduledTask('core.photo-link-key');
    expect(await sql(`SELECT name FROM platform_secret WHERE name LIKE 'photo-links%'`)).toEqual([{ name: 'photo-links' }]);
    await replace();
    for (const server of [gateway, other]) expect((await fetch(new URL(before, server.server.url))).status).toBe(200);
    // A link no key this process holds checks makes it read the keys again: it signs with the new one from then on.
    expect((await fetch(new URL(before.replace(/signature=[^&]+/, 'signature=forged'), gateway.server.url))).status).toBe(403);
    const after = await link();
    expect(after).not.toBe(before);
    // The other process has not read the new key yet: the link makes it.
    expect((await fetch(new URL(after, other.server.url))).status).toBe(200);
    // Replaced again: the first key is gone (a process that starts now knows the last two).
    await replace();
    third = await startGateway(testConfig({ DATABASE_URL: db.url, GONGZHI_JWT_SECRET: SECRET }), logger);
    expect((await fetch(new URL(before, third.server.url))).status).toBe(403);
    expect((await fetch(new URL(after, third.server.url))).status).toBe(200);
  } finally {
    await third?.stop();
    await other.stop();
  }
});

test('an upload shows on one request, attached by who uploaded it; the picture goes with its photo', async () => {
  const first = await report([], her.token);
  // Kept without where the phone was.
  const id = await uploaded(JPEG, 'image/jpeg', her.token, JPEG.length - WHERE.length);
  // A neighbour cannot attach her upload to his own report: it answers as a made-up id does.
  const his = await report([], neighbour.token, neighbour.home);
  const theirs = await postGraphQL(gateway.server.url, ADD, { id: his.request.id, upload: id }, neighbour.token);
  expect(theirs.data.addRequestPhoto.errors).toEqual([expect.objectContaining({ code: 'NOT_FOUND', field: 'uploadId' })]);
  const added = (await postGraphQL(gateway.server.url, ADD, { id: first.request.id, upload: id }, her.token)).data.addRequestPhoto;
  expect(added.errors).toEqual([]);
  const [photo] = added.request.photos.nodes;
  // Once is all: on another request (or the same) it is refused and nothing is written.
  const second = await report([], her.token);
  const again = (await postGraphQL(gateway.server.url, ADD, { id: second.request.id, upload: id }, her.token)).data.addRequestPhoto;
  expect(again.errors).toEqual([expect.objectContaining({ code: 'CONFLICT', field: 'uploadId' })]);
  expect((await report([id], her.token)).errors).toEqual([expect.objectContaining({ code: 'CONFLICT', field: 'input.photoUploadIds.0' })]);
  // Two requests at once for one fresh upload: the database lets one have it.
  const raced = await uploaded(PNG, 'image/png', her.token);
  const both = await Promise.all(
    [first, second].map(
      async (r) => (await postGraphQL(gateway.server.url, ADD, { id: r.request.id, upload: raced }, her.token)).data.addRequestPhoto.errors,
    ),
  );
  expect(both.filter((errors) => errors.length === 0)).toHaveLength(1);
  expect(both.flat()).toEqual([expect.objectContaining({ code: 'CONFLICT', field: 'uploadId' })]);
  // Two reports at once with one fresh upload: the loser is told of the field it gave.
  const sent = await uploaded(PNG, 'image/png', her.token);
  const reports = await Promise.all([0, 1].map(async () => (await report([sent], her.token)).errors));
  expect(reports.filter((errors) => errors.length === 0)).toHaveLength(1);
  expect(reports.flat()).toEqual([expect.objectContaining({ code: 'CONFLICT', field: 'input.photoUploadIds.0' })]);
  // An address and an upload at once, or neither: one of the two.
  for (const both of [{ url: 'https://oss.example.org/a.jpg', upload: id }, {}]) {
    const refused = (await postGraphQL(gateway.server.url, ADD, { id: second.request.id, ...both }, her.token)).data.addRequestPhoto;
    expect(refused.errors).toEqual([expect.objectContaining({ code: 'BAD_USER_INPUT' })]);
  }

  const shown = await show(photo.url);
  expect(shown.status).toBe(200);
  const bytes = Buffer.from(await shown.arrayBuffer());
  expect(bytes.equals(Buffer.concat([JPEG.subarray(0, JPEG.indexOf(WHERE)), JPEG.subarray(JPEG.indexOf(WHERE) + WHERE.length)]))).toBe(
    true,
  );
  expect(bytes.toString('latin1')).not.toContain('GPS');
  // Taken off its request (a face in it), the picture is gone: its link finds nothing, the row is deleted.
  const removed = await postGraphQL(
    gateway.server.url,
    'mutation($id: ID!) { removeRequestPhoto(id: $id) { errors { code } } }',
    { id: photo.id },
    her.token,
  );
  expect(removed.data.removeRequestPhoto.errors).toEqual([]);
  expect((await show(photo.url)).status).toBe(404);
  const uuid = new URL(photo.url, gateway.server.url).pathname.split('/').pop();
  const rows = await gateway.platform.orm.em.fork().getConnection().execute(`SELECT 1 FROM photo_upload WHERE id = ?`, [uuid]);
  expect(rows).toHaveLength(0);
});

test('a photo’s thumbnail for lists is made at its upload: upright, at most 480 pixels, a JPEG without metadata, by a link like its own', async () => {
  // A gateway that takes a phone's photo (this file's keeps pictures under 2,000 bytes).
  const phone = await startGateway(testConfig({ DATABASE_URL: db.url, GONGZHI_JWT_SECRET: SECRET }), logger);
  try {
    const pixels = sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#4a7a9c' } });
    for (const type of ['jpeg', 'webp'] as const) {
      // Taken with the phone held upright: 1600×1200 pixels, orientation 6 (turn right to show).
      const taken = await pixels.clone()[type]().withMetadata({ orientation: 6 }).toBuffer();
      const res = await upload(taken, `image/${type}`, her.token, phone);
      expect(res.status).toBe(201);
      const { id, size } = (await res.json()) as { id: string; size: number };
      const [photo] = (await report([id], her.token)).request.photos.nodes;
      const link = new URL(photo.url, gateway.server.url);
      const small = new URL(photo.thumbnailUrl, gateway.server.url);
      expect(small.pathname).toBe(`${link.pathname}/thumbnail`);
      expect(small.search).toBe(link.search);

      const thumbnail = await show(photo.thumbnailUrl);
      expect(thumbnail.status).toBe(200);
      expect(thumbnail.headers.get('content-type')).toBe('image/jpeg');
      expect(thumbnail.headers.get('cache-control')).toMatch(/^private, max-age=\d+$/);
      const bytes = Buffer.from(await thumbnail.arrayBuffer());
      expect(bytes.length).toBeLessThan(size);
      // Turned upright (360×480), and no EXIF left to turn it again.
      const { format, width, height, orientation, exif } = await sharp(bytes).metadata();
      expect({ format, width, height, orientation, exif }).toEqual({ format: 'jpeg', width: 360, height: 480 });
      // The picture itself as it was sent, less its metadata: the way up kept (a WebP's too).
      const kept = await sharp(Buffer.from(await (await show(photo.url)).arrayBuffer())).metadata();
      expect(kept).toEqual(expect.objectContaining({ format: type, width: 1600, height: 1200, orientation: 6 }));
      // A link changed for the thumbnail is refused as the picture's is.
      small.searchParams.set('signature', 'forged');
      expect((await show(small.href)).status).toBe(403);
    }
    // A picture as small already is its own thumbnail; one the image library cannot decode (its
    // structure parses, its pixels do not: this file's JPEG) is shown as it is; an address is itself.
    for (const [body, type, size] of [
      [PNG, 'image/png', PNG.length],
      [JPEG, 'image/jpeg', JPEG.length - WHERE.length],
    ] as const) {
      const [photo] = (await report([await uploaded(body, type, her.token, size)], her.token)).request.photos.nodes;
      const thumbnail = await show(photo.thumbnailUrl);
      expect(thumbnail.headers.get('content-type')).toBe(type);
      expect(Buffer.from(await thumbnail.arrayBuffer())).toEqual(Buffer.from(await (await show(photo.url)).arrayBuffer()));
    }
    const ADDRESS = 'https://oss.example.org/fx3/lamp.jpg';
    const first = await report([], her.token);
    const added = (await postGraphQL(gateway.server.url, ADD, { id: first.request.id, url: ADDRESS }, her.token)).data.addRequestPhoto;
    expect(added.request.photos.nodes).toEqual([expect.objectContaining({ url: ADDRESS, thumbnailUrl: ADDRESS })]);
  } finally {
    await phone.stop();
  }
});

test('pictures uploaded before thumbnails were made get theirs from core.photo-thumbnails; one that cannot have one is tried once', async () => {
  const phone = await startGateway(testConfig({ DATABASE_URL: db.url, GONGZHI_JWT_SECRET: SECRET }), logger);
  try {
    const taken = await sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#9c4a4a' } })
      .jpeg()
      .withMetadata({ orientation: 6 })
      .toBuffer();
    const res = await upload(taken, 'image/jpeg', her.token, phone);
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const png = await uploaded(PNG, 'image/png', her.token);
    const [photo, small] = (await report([id, png], her.token)).request.photos.nodes;
    // As an upload from before core migration 0040 is after 0043: no thumbnail, and due.
    const connection = gateway.platform.orm.em.fork().getConnection();
    await connection.execute(`UPDATE photo_upload SET thumbnail = NULL, thumbnail_due = true WHERE id IN (?, ?)`, [local(id), local(png)]);
    const before = await show(photo.thumbnailUrl);
    expect(Buffer.from(await before.arrayBuffer())).toEqual(Buffer.from(await (await show(photo.url)).arrayBuffer()));

    await gateway.platform.runScheduledTask('core.photo-thumbnails');
    const after = await show(photo.thumbnailUrl);
    expect(after.headers.get('content-type')).toBe('image/jpeg');
    const { width, height, orientation } = await sharp(Buffer.from(await after.arrayBuffer())).metadata();
    expect({ width, height, orientation }).toEqual({ width: 360, height: 480, orientation: undefined });
    // The 1×1 PNG is its own thumbnail still, and neither is due again.
    expect((await show(small.thumbnailUrl)).headers.get('content-type')).toBe('image/png');
    const [{ due }] = await connection.execute<{ due: number }[]>(`SELECT count(*)::int AS due FROM photo_upload WHERE thumbnail_due`);
    expect(due).toBe(0);
    const [entry] = await connection.execute<{ actor_name: string }[]>(
      `SELECT actor_name FROM audit_log WHERE action = 'photo.makeDueThumbnails' ORDER BY seq DESC LIMIT 1`,
    );
    expect(entry?.actor_name).toBe('system: core.photo-thumbnails');
  } finally {
    await phone.stop();
  }
});

test('what is not a picture of the platform’s kinds, too large, or sent without a credential is refused, and nothing is kept', async () => {
  const count = async () =>
    Number((await gateway.platform.orm.em.fork().getConnection().execute(`SELECT count(*) AS n FROM photo_upload`))[0].n);
  const before = await count();
  const refusal = async (res: Response, status: number, message: RegExp) => {
    expect(res.status).toBe(status);
    expect(((await res.json()) as { errors: { message: string }[] }).errors[0].message).toMatch(message);
  };
  await refusal(await upload(PNG, 'image/png', null), 401, /needs a credential/);
  await refusal(await upload(PNG, 'image/svg+xml', her.token), 415, /image\/jpeg, image\/png or image\/webp \(image\/svg\+xml was given\)/);
  await refusal(await upload(Buffer.from('<html>'), 'text/html', her.token), 415, /text\/html was given/);
  // Declared a JPEG, its first bytes a PNG's.
  await refusal(await upload(PNG, 'image/jpeg', her.token), 400, /not a picture of type image\/jpeg/);
  await refusal(await upload(Buffer.alloc(0), 'image/png', her.token), 400, /not a picture of type image\/png/);
  // Cut short: it does not read as a JPEG, so it is not kept with whatever it carries.
  await refusal(await upload(JPEG.subarray(0, 30), 'image/jpeg', her.token), 400, /not a picture of type image\/jpeg/);
  await refusal(await upload(Buffer.concat([PNG, Buffer.alloc(MAX)]), 'image/png', her.token), 413, new RegExp(`at most ${MAX} bytes`));
  await refusal(await fetch(`${gateway.server.url}/photos`), 405, /POST \/photos uploads a picture/);
  expect(await count()).toBe(before);
});

test('a caller keeps at most 50 uploads attached to nothing, also when they come at once: the next waits until one is used', async () => {
  const token = neighbour.token;
  const ids: string[] = [];
  for (let i = 0; i < 47; i++) ids.push(await uploaded(PNG, 'image/png', token));
  // Five at once for the last three places: three are kept, two refused.
  const raced = await Promise.all([0, 1, 2, 3, 4].map(() => upload(PNG, 'image/png', token)));
  expect(raced.map((res) => res.status).sort()).toEqual([201, 201, 201, 400, 400]);
  for (const res of raced) if (res.status === 201) ids.push(((await res.json()) as { id: string }).id);
  const refused = raced.find((res) => res.status === 400)!;
  expect(((await refused.json()) as { errors: { message: string }[] }).errors[0].message).toMatch(
    /^You have 50 uploaded photos not attached/,
  );
  expect((await upload(PNG, 'image/png', token)).status).toBe(400);
  expect((await report(ids.slice(0, 1), token, neighbour.home)).errors).toEqual([]);
  await uploaded(PNG, 'image/png', token);
});

test('uploads attached to nothing for a day go in the hourly clean-up (core.left-uploads); attached and fresh ones stay', async () => {
  const kept = await uploaded(PNG, 'image/png', her.token);
  const [shown] = (await report([kept], her.token)).request.photos.nodes;
  const left = await uploaded(PNG, 'image/png', her.token);
  const fresh = await uploaded(PNG, 'image/png', her.token);
  const connection = gateway.platform.orm.em.fork().getConnection();
  // A day and a minute ago, as the platform's clock sees it.
  await connection.execute(`UPDATE photo_upload SET created_at = now() - interval '1 day 1 minute' WHERE id IN (?, ?)`, [
    local(kept),
    local(left),
  ]);
  await gateway.platform.runScheduledTask('core.left-uploads');
  const rows = await connection.execute<{ id: string }[]>(`SELECT id FROM photo_upload WHERE id IN (?, ?, ?)`, [
    local(kept),
    local(left),
    local(fresh),
  ]);
  expect(rows.map((r) => r.id).sort()).toEqual([local(kept), local(fresh)].sort());
  expect((await show(shown.url)).status).toBe(200);
  // The audit log names the clean-up.
  const [entry] = await connection.execute<{ actor_name: string }[]>(
    `SELECT actor_name FROM audit_log WHERE action = 'photo.dropLeftUploads' ORDER BY seq DESC LIMIT 1`,
  );
  expect(entry?.actor_name).toBe('system: core.left-uploads');
});

test('erasing a resident deletes the pictures she uploaded, attached or not, and the photos she added', async () => {
  const attached = await uploaded(PNG, 'image/png', her.token);
  const [photo] = (await report([attached], her.token)).request.photos.nodes;
  const loose = await uploaded(PNG, 'image/png', her.token);
  expect((await show(photo.url)).status).toBe(200);
  // What the platform keeps of hers lists both pictures, attached or not, newest first; a neighbour's list is his own.
  const mine = async (token: string) =>
    (await postGraphQL(gateway.server.url, '{ myData { photoUploads(first: 100) { nodes { id contentType size } } } }', {}, token)).data
      .myData.photoUploads.nodes;
  expect((await mine(her.token)).slice(0, 2)).toEqual([
    { id: loose, contentType: 'image/png', size: PNG.length },
    { id: attached, contentType: 'image/png', size: PNG.length },
  ]);
  expect((await mine(neighbour.token)).map((u: { id: string }) => u.id)).not.toContain(loose);
  const erased = await postGraphQL(
    gateway.server.url,
    'mutation($p: ID!) { erasePersonalData(input: { personId: $p, reason: "本人申请删除，2026-06-15" }) { erasure { records { entity rows } } errors { code message } } }',
    { p: her.id },
  );
  expect(erased.data.erasePersonalData.errors).toEqual([]);
  const rows = Object.fromEntries(
    erased.data.erasePersonalData.erasure.records.map((r: { entity: string; rows: number }) => [r.entity, r.rows]),
  );
  expect(rows.PhotoUpload).toBeGreaterThanOrEqual(1);
  expect(rows.RequestPhoto).toBeGreaterThanOrEqual(1);
  const left = await gateway.platform.orm.em
    .fork()
    .getConnection()
    .execute(`SELECT 1 FROM photo_upload WHERE owner_id = ?`, [Buffer.from(her.id, 'base64url').toString('utf8').split(':')[1]]);
  expect(left).toHaveLength(0);
  expect((await show(photo.url)).status).toBe(404);
});
