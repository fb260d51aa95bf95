import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  type Caller,
  isPhotoType,
  PHOTO_PATH,
  type Platform,
  runCommand,
  THUMBNAIL_SUFFIX,
  THUMBNAIL_TYPE,
  toGlobalId,
  uploadPhoto,
} from '@gongzhi/core';
import { GraphQLError } from 'graphql';
import { sendOperationError, signedInCaller } from './route-answers.js';
import { BodyTooLarge, readBodyBytes } from './http-body.js';
import { gatewayMessages } from './messages.js';
import { type errorFormatter, inOperation } from './operations.js';
import { rateLimitedError } from './security.js';
import type { ResolveCaller } from './websocket.js';

/** Where pictures are uploaded (`POST /photos`) and shown (`GET /photos/<id>?expires=…&signature=…`). */
const UPLOAD_PATH = PHOTO_PATH.slice(0, -1);
const SHOWN = new RegExp(`^${PHOTO_PATH}([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(${THUMBNAIL_SUFFIX})?$`);

export interface PhotoOptions {
  platform: Platform;
  resolveCaller: ResolveCaller;
  /** The same rate limiter as /graphql: seconds to wait, or 0. An upload costs one operation. */
  rateLimit: (caller: Caller | null, address: string | undefined) => number | Promise<number>;
  /** Largest picture kept, in bytes. */
  maxPhotoBytes: number;
  formatError: ReturnType<typeof errorFormatter>;
}

/** Whether a path is the photos' (the upload, or a photo by its link). */
export function isPhotoPath(pathname: string): boolean {
  return pathname === UPLOAD_PATH || pathname.startsWith(PHOTO_PATH);
}

/**
 * Photos the platform keeps, for districts with no storage of their own (随手拍).
 *
 * `POST /photos` with a credential and the picture as the body (`Content-Type: image/jpeg`,
 * `image/png` or `image/webp`, reading as that type, at most `maxPhotoBytes`) keeps it without its
 * camera metadata and answers 201 `{ id, contentType, size }`: the id to attach it by
 * (`addRequestPhoto(uploadId:)`, `submitRequest(input: { photoUploadIds })`). It costs one
 * operation of the caller's rate limit.
 *
 * `GET /photos/<id>?expires=…&signature=…` shows an attached picture to whoever holds the link
 * `RequestPhoto.url` gave (to a reader of its request), until the link expires: no credential, so
 * an `<img>` shows it; `/photos/<id>/thumbnail?…` (`RequestPhoto.thumbnailUrl`) its thumbnail. A
 * link expired, altered or never given answers 403; a picture taken off its request, 404.
 */
export function photoHandler(options: PhotoOptions): (req: IncomingMessage, res: ServerResponse, url: URL) => Promise<void> {
  const { platform } = options;
  const sendError = (res: ServerResponse, status: number | null, error: GraphQLError, headers: Record<string, string> = {}) =>
    sendOperationError(res, options.formatError, status, error, headers);

  async function upload(req: IncomingMessage, res: ServerResponse, requestId: string): Promise<void> {
    const caller = await signedInCaller(req, res, options, gatewayMessages.photoNeedsCredential.topLevel());
    if (!caller) return;
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (!isPhotoType(type)) {
      req.resume();
      return sendError(res, 415, gatewayMessages.photoTypeUnsupported.topLevel({ type: type || 'none' }));
    }
    const refused = await options.rateLimit(caller, req.socket.remoteAddress);
    if (refused > 0) {
      req.resume();
      return sendError(res, 429, rateLimitedError(refused), { 'retry-after': String(refused) });
    }
    let bytes: Buffer;
    try {
      bytes = await readBodyBytes(req, options.maxPhotoBytes);
    } catch (err) {
      if (!(err instanceof BodyTooLarge)) throw err;
      return sendError(res, 413, gatewayMessages.photoTooLarge.topLevel({ max: options.maxPhotoBytes }));
    }
    const outcome = await runCommand(platform.createContext(caller), uploadPhoto, { contentType: type, bytes });
    if (!outcome.ok) {
      const [first] = outcome.errors;
      const error = new GraphQLError(first?.message ?? '', { extensions: { code: first?.code, field: first?.field } });
      return sendError(res, first?.code === 'UNAUTHENTICATED' ? 401 : 400, error);
    }
    const kept = outcome.value;
    platform.logger.info(
      { requestId, caller: `${caller.kind}:${caller.id}`, upload: kept.uuid, size: kept.size },
      'kept an uploaded photo',
    );
    res.writeHead(201, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
    res.end(JSON.stringify({ id: toGlobalId('PhotoUpload', kept.uuid), contentType: kept.contentType, size: kept.size }));
  }

  async function show(req: IncomingMessage, res: ServerResponse, url: URL, uploadId: string, thumbnail: boolean): Promise<void> {
    const now = platform.now();
    const expires = url.searchParams.get('expires');
    if (!(await platform.photoLinks.check(uploadId, expires, url.searchParams.get('signature'), now))) {
      return sendError(res, 403, gatewayMessages.photoLinkInvalid.topLevel());
    }
    const [photo] = await platform.orm.em
      .fork()
      .getConnection()
      .execute<{ content_type: string; bytes: Buffer }[]>(
        // Only a picture some request shows: a link outlives nothing taken off. A thumbnail asked of a
        // picture that has none (as small already, or from before thumbnails and not made yet) is the picture.
        `SELECT CASE WHEN ?::boolean AND u.thumbnail IS NOT NULL THEN '${THUMBNAIL_TYPE}' ELSE u.content_type END AS content_type,
              CASE WHEN ?::boolean THEN coalesce(u.thumbnail, u.bytes) ELSE u.bytes END AS bytes
         FROM photo_upload u WHERE u.id = ? AND EXISTS (SELECT 1 FROM request_photo p WHERE p.upload_id = u.id)`,
        [thumbnail, thumbnail, uploadId],
      );
    if (!photo) return sendError(res, 404, gatewayMessages.photoNotFound.topLevel({ path: url.pathname }));
    res.writeHead(200, {
      'content-type': photo.content_type,
      'content-length': String(photo.bytes.length),
      // Kept by the browser while the link is good, by no shared cache: the link is the reader's.
      'cache-control': `private, max-age=${Math.max(0, Number(expires) - Math.floor(now.getTime() / 1000))}`,
      'x-content-type-options': 'nosniff',
      'content-security-policy': "default-src 'none'",
      // District apps on other origins show it in an <img>.
      'cross-origin-resource-policy': 'cross-origin',
    });
    res.end(req.method === 'HEAD' ? undefined : photo.bytes);
  }

  return (req, res, url) =>
    inOperation(req.headers['x-request-id'], async ({ requestId }) => {
      res.setHeader('x-request-id', requestId);
      const method = req.method ?? 'GET';
      const [, shown, thumbnail] = SHOWN.exec(url.pathname) ?? [];
      if (url.pathname === UPLOAD_PATH && method === 'POST') return upload(req, res, requestId);
      if (shown && (method === 'GET' || method === 'HEAD')) return show(req, res, url, shown, thumbnail !== undefined);
      if (url.pathname === UPLOAD_PATH || shown) {
        req.resume();
        const allow = shown ? 'GET, HEAD' : 'POST';
        return sendError(res, 405, gatewayMessages.photoMethod.topLevel({ method }), { allow });
      }
      return sendError(res, 404, gatewayMessages.photoNotFound.topLevel({ path: url.pathname }));
    });
}
