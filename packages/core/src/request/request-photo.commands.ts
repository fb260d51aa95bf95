import { Permission } from '../auth/permission.js';
import { defineCommand, type Named } from '../command/command.js';
import { coreMessages } from '../i18n/core-messages.js';
import { expectRow } from '../database/rows.js';
import { refId } from '../graphql/loaders.js';
import { type Request, Request as RequestEntity } from './request.entity.js';
import { RequestPhoto } from './request-photo.entity.js';
import { NotAPicture, withoutMetadata } from './photo-metadata.js';
import { thumbnailOf } from './photo-thumbnail.js';
import { newPhotoLinkKey, PHOTO_LINK_KEY, PHOTO_LINK_KEY_BEFORE, PHOTO_LINK_KEY_MS } from './photo-links.js';
import { PHOTO_TYPES, PhotoUpload, type PhotoType } from './photo-upload.entity.js';
import { addPhotos, checkPhotoRoom, checkPhotoUrl, checkUploadsFree, eventPayload, type NewPhoto } from './request.commands.js';

/**
 * Adds a photo to a request (随手拍 afterwards; 整改前/整改后: before and after the repair), by its
 * https address or as an upload of the caller's (`POST /photos`), with an optional caption: its
 * requester, whoever holds it, or staff with `request.manage` where it is; at most nine per request
 * (the request's row is held while they are counted, so two at once cannot pass the limit together).
 */
export const addRequestPhoto = defineCommand<
  { request: Named<Request>; url?: string | null; upload?: Named<PhotoUpload> | null; caption?: string | null },
  Request
>({
  name: 'request.addPhoto',
  lock: ['request'],
  async run(uow, { request, url, upload, caption }) {
    const me = uow.actor.personId;
    const own = !!me && (refId(request.requester) === me || refId(request.assignee) === me);
    if (!own) uow.actor.authorize(Permission.REQUEST_MANAGE, request.placePath);
    if (!url === !upload) throw coreMessages.photoUrlOrUpload.error(url ? 'uploadId' : 'url');
    const photo: NewPhoto = upload ? { uploadId: upload.uuid } : { url: checkPhotoUrl(url!, 'url') };
    const words = caption?.trim() || null;
    if (words && words.length > 200) throw coreMessages.photoCaptionTooLong.error({ length: words.length }, 'caption');
    checkPhotoRoom(await uow.em.count(RequestPhoto, { request: request.uuid }), 1, upload ? 'uploadId' : 'url');
    if (upload) await checkUploadsFree(uow, [upload.uuid], 'uploadId', false);
    await addPhotos(uow, request.uuid, [photo], words);
    await uow.emit('request.updated', { ...eventPayload(request), change: 'photo' });
    return request;
  },
});

/**
 * Takes a photo off a request (the wrong picture, or one showing a face or a home that should not
 * be kept): whoever added it, or staff with `request.manage` where the request is. The row goes;
 * the audit log keeps that it was there and who took it off.
 */
export const removeRequestPhoto = defineCommand<{ photo: Named<RequestPhoto> }, Request>({
  name: 'request.removePhoto',
  lock: ['photo'],
  async run(uow, { photo }) {
    const request = await uow.em.findOneOrFail(RequestEntity, { uuid: refId(photo.request)! });
    const mine = !!uow.actor.personId && refId(photo.addedBy) === uow.actor.personId;
    if (!mine) uow.actor.authorize(Permission.REQUEST_MANAGE, request.placePath);
    uow.em.remove(photo);
    await uow.em.flush();
    // An uploaded picture goes with it: the platform keeps no photo nobody is shown.
    if (photo.uploadId) await uow.em.execute('DELETE FROM photo_upload WHERE id = ?', [photo.uploadId]);
    await uow.emit('request.updated', { ...eventPayload(request), change: 'photo' });
    return request;
  },
});

/** Most uploads a caller keeps unattached at once: a busy day's photos, and a leaked key cannot fill the database. */
export const MAX_UNATTACHED_UPLOADS = 50;

/** How long an upload waits to be attached before the platform lets it go. */
export const UPLOAD_KEPT_MS = 86_400_000;

/** Attached to no request: the condition on `photo_upload u` the cap and the clean-up share. */
const UNATTACHED = 'NOT EXISTS (SELECT 1 FROM request_photo p WHERE p.upload_id = u.id)';

/** Whether `type` is a picture the platform keeps. */
export function isPhotoType(type: string): type is PhotoType {
  return (PHOTO_TYPES as readonly string[]).includes(type);
}

/**
 * Keeps a picture uploaded by the caller (a person or an API key; `POST /photos`), to attach to a
 * request by its id, without what the camera wrote about it ({@link withoutMetadata}: where it was
 * taken, when, the device). It must parse as the type declared (a page is no JPEG). Past
 * {@link MAX_UNATTACHED_UPLOADS} of the caller's uploads of the last day attached to nothing, the
 * upload is refused (a caller's uploads are counted one at a time, so the cap holds under races).
 * Its thumbnail for lists is made with it ({@link thumbnailOf}).
 * The audit log counts it, without its bytes.
 */
export const uploadPhoto = defineCommand<{ contentType: PhotoType; bytes: Buffer }, PhotoUpload>({
  name: 'photo.upload',
  async run(uow, { contentType, bytes }) {
    const owner = uow.actor.caller?.id;
    if (!owner) throw coreMessages.uploadNeedsCaller.error('body');
    let picture: Buffer;
    try {
      picture = withoutMetadata(contentType, bytes);
    } catch (err) {
      if (err instanceof NotAPicture) throw coreMessages.uploadNotOfType.error({ type: contentType }, 'body');
      throw err;
    }
    // Made before the caller's lock, which it does not need (tens of milliseconds on libvips' threads).
    const thumbnail = await thumbnailOf(picture);
    // One upload of a caller at a time past this point, so two at once cannot both take the last place.
    await uow.em.execute(`SELECT pg_advisory_xact_lock(hashtext(?))`, [`photo.upload:${owner}`]);
    const { unattached } = expectRow(
      await uow.em.execute<{ unattached: number }[]>(
        `SELECT count(*)::int AS unattached FROM photo_upload u WHERE u.owner_id = ?::uuid AND u.created_at > ?::timestamptz AND ${UNATTACHED}`,
        [owner, new Date(uow.now().getTime() - UPLOAD_KEPT_MS)],
      ),
      'the unattached uploads count',
    );
    if (unattached >= MAX_UNATTACHED_UPLOADS) throw coreMessages.tooManyUploads.error({ max: MAX_UNATTACHED_UPLOADS }, 'body');
    // Written by SQL, not the unit of work: the audit counts the row and never copies the picture.
    const upload = Object.assign(new PhotoUpload(), { ownerId: owner, contentType, size: picture.length, createdAt: uow.now() });
    await uow.em.execute(
      `INSERT INTO photo_upload (id, owner_id, content_type, size, bytes, thumbnail, created_at)
       VALUES (?, ?, ?, ?, decode(?, 'base64'), decode(?, 'base64'), ?)`,
      [
        upload.uuid,
        owner,
        contentType,
        picture.length,
        picture.toString('base64'),
        thumbnail?.toString('base64') ?? null,
        upload.createdAt,
      ],
    );
    return upload;
  },
});

/**
 * Deletes the uploads left attached to nothing for {@link UPLOAD_KEPT_MS} (the platform keeps no
 * picture nobody is shown); answers how many went. Run by core's `left-uploads` task.
 */
export const dropLeftUploads = defineCommand<Record<string, never>, number>({
  name: 'photo.dropLeftUploads',
  async run(uow) {
    const before = new Date(uow.now().getTime() - UPLOAD_KEPT_MS);
    return (
      await uow.em.execute<{ affectedRows: number }>(
        `DELETE FROM photo_upload u WHERE u.created_at <= ? AND ${UNATTACHED}`,
        [before],
        'run',
      )
    ).affectedRows;
  },
});

/**
 * Makes the thumbnails of up to `size` uploads marked due (core migration 0043: uploaded before
 * thumbnails were made), oldest first, passing over any another round holds; answers how many it
 * took. One as small already or that cannot be decoded is left without (the picture serves, as at
 * its upload). Run by core's `photo-thumbnails` task.
 */
export const makeDueThumbnails = defineCommand<{ size: number }, number>({
  name: 'photo.makeDueThumbnails',
  async run(uow, { size }) {
    const due = await uow.em.execute<{ id: string; bytes: Buffer }[]>(
      `SELECT id, bytes FROM photo_upload WHERE thumbnail_due ORDER BY created_at, id LIMIT ? FOR UPDATE SKIP LOCKED`,
      [size],
    );
    for (const { id, bytes } of due) {
      const thumbnail = await thumbnailOf(bytes);
      await uow.em.execute(`UPDATE photo_upload SET thumbnail = decode(?, 'base64'), thumbnail_due = false WHERE id = ?`, [
        thumbnail?.toString('base64') ?? null,
        id,
      ]);
    }
    return due.length;
  },
});

/**
 * Replaces the photo links' key once it is {@link PHOTO_LINK_KEY_MS} old: it becomes the key before
 * (which still checks links, so a link given out just before stays good for its hour) and a new
 * one signs from now on; the one before that goes. Answers whether it replaced it. Each process
 * picks up the new key within the hour, or at once when a link it cannot check comes in.
 */
export const rotatePhotoLinkKey = defineCommand<Record<string, never>, boolean>({
  name: 'photo.rotateLinkKey',
  async run(uow) {
    const [current] = await uow.em.execute<{ due: boolean }[]>(
      `SELECT created_at <= ? AS due FROM platform_secret WHERE name = ? FOR UPDATE`,
      [new Date(uow.now().getTime() - PHOTO_LINK_KEY_MS), PHOTO_LINK_KEY],
    );
    if (current && !current.due) return false;
    await uow.em.execute(`DELETE FROM platform_secret WHERE name = ?`, [PHOTO_LINK_KEY_BEFORE]);
    await uow.em.execute(`UPDATE platform_secret SET name = ? WHERE name = ?`, [PHOTO_LINK_KEY_BEFORE, PHOTO_LINK_KEY]);
    await uow.em.execute(`INSERT INTO platform_secret (name, secret, created_at) VALUES (?, decode(?, 'hex'), ?)`, [
      PHOTO_LINK_KEY,
      newPhotoLinkKey(),
      uow.now(),
    ]);
    return true;
  },
});
