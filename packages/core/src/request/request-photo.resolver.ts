import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { perform } from '../command/command.js';
import { type Ref, RefArg } from '../command/reference.js';
import type { GongzhiContext } from '../context.js';
import { hasMany } from '../graphql/relation-field.js';
import { addRequestPhoto, removeRequestPhoto } from './request-photo.commands.js';
import { PhotoUpload } from './photo-upload.entity.js';
import { THUMBNAIL_SIDE } from './photo-thumbnail.js';
import { RequestPhoto } from './request-photo.entity.js';
import { Request } from './request.entity.js';
import { RequestPayload } from './request.types.js';

/** Photos of requests (随手拍): adding one, and the list. */
@Resolver(() => Request)
export class RequestPhotoResolver {
  @Mutation(() => RequestPayload, {
    description:
      'Adds a photo to a request (随手拍; 整改前/整改后: before and after the repair), by its https address or as a picture you uploaded (POST /photos), with an optional caption: its requester, whoever holds it, or staff with request.manage. At most 9 per request.',
  })
  addRequestPhoto(
    @RefArg('id', () => Request) request: Ref<Request>,
    @Arg('url', () => String, { nullable: true, description: 'Where the picture is: https (the district keeps the file).' })
    url: string | null | undefined,
    @RefArg('uploadId', () => PhotoUpload, {
      nullable: true,
      description: 'A picture you uploaded (POST /photos) and attached to no request yet: the platform keeps the file.',
    })
    upload: Ref<PhotoUpload> | null | undefined,
    @Arg('caption', () => String, { nullable: true, description: 'What it shows, up to 200 characters.' }) caption: string | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<RequestPayload> {
    return perform(ctx, RequestPayload, addRequestPhoto, { request, url: url ?? null, upload: upload ?? null, caption: caption ?? null });
  }

  @Mutation(() => RequestPayload, {
    description:
      'Takes a photo off a request (the wrong picture, or one that shows a face or a home): whoever added it, or staff with request.manage. The audit log keeps that it was there.',
  })
  removeRequestPhoto(@RefArg('id', () => RequestPhoto) photo: Ref<RequestPhoto>, @Ctx() ctx: GongzhiContext): Promise<RequestPayload> {
    return perform(ctx, RequestPayload, removeRequestPhoto, { photo });
  }
}

/** `RequestPhoto.url` and `thumbnailUrl`: the address, or signed links to the upload for the reader who may see it. */
@Resolver(() => RequestPhoto)
export class RequestPhotoUrlResolver {
  @FieldResolver(() => String, {
    description:
      'Where the picture is: its https address, or for a picture uploaded here a signed link on this server (/photos/…?expires=…&signature=…), good until the end of the next hour: ask again for a fresh one.',
  })
  url(@Root() photo: RequestPhoto, @Ctx() ctx: GongzhiContext): string {
    return photo.url ?? ctx.photoLinks.path(photo.uploadId!, ctx.now());
  }

  @FieldResolver(() => String, {
    description: `A smaller copy for lists: for a picture uploaded here a signed link like url's to a JPEG at most ${THUMBNAIL_SIDE} pixels on its longer side, upright (the picture itself where it is as small already, and for a picture uploaded before thumbnails were made until core's photo-thumbnails task has made one, within minutes of the upgrade); for a picture at the district's own address, that address (the platform holds no copy to make one from).`,
  })
  thumbnailUrl(@Root() photo: RequestPhoto, @Ctx() ctx: GongzhiContext): string {
    return photo.url ?? ctx.photoLinks.path(photo.uploadId!, ctx.now(), true);
  }
}

/** Adds `Request.photos`: its photos in the order added. */
export const RequestPhotosResolver = hasMany(
  () => Request,
  'photos',
  () => RequestPhoto,
  'request',
  {
    order: { keys: ['at', 'seq', 'uuid'], direction: 'asc' },
    rows: true,
    description: 'Its photos (随手拍, before and after a repair), in the order added.',
  },
);
