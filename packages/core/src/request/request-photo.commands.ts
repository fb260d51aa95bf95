import { Permission } from '../auth/permission.js';
import { defineCommand, type Named } from '../command/command.js';
import { coreMessages } from '../i18n/core-messages.js';
import { refId } from '../graphql/loaders.js';
import { type Request, Request as RequestEntity } from './request.entity.js';
import { RequestPhoto } from './request-photo.entity.js';
import { addPhotos, checkPhotoRoom, checkPhotoUrl, eventPayload } from './request.commands.js';

/**
 * Adds a photo to a request (随手拍 afterwards; 整改前/整改后: before and after the repair), by its
 * https address, with an optional caption: its requester, whoever holds it, or staff with
 * `request.manage` where it is; at most nine per request (the request's row
 * is held while they are counted, so two at once cannot pass the limit together).
 */
export const addRequestPhoto = defineCommand<{ request: Named<Request>; url: string; caption?: string | null }, Request>({
  name: 'request.addPhoto',
  lock: ['request'],
  async run(uow, { request, url, caption }) {
    const me = uow.actor.personId;
    const own = !!me && (refId(request.requester) === me || refId(request.assignee) === me);
    if (!own) uow.actor.authorize(Permission.REQUEST_MANAGE, request.placePath);
    const address = checkPhotoUrl(url, 'url');
    const words = caption?.trim() || null;
    if (words && words.length > 200) throw coreMessages.photoCaptionTooLong.error({ length: words.length }, 'caption');
    checkPhotoRoom(await uow.em.count(RequestPhoto, { request: request.uuid }), 1, 'url');
    await addPhotos(uow, request.uuid, [address], words);
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
    await uow.emit('request.updated', { ...eventPayload(request), change: 'photo' });
    return request;
  },
});
