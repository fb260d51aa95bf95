import { Arg, Ctx, Mutation, Resolver } from 'type-graphql';
import { perform } from '../command/command.js';
import { type Ref, RefArg } from '../command/reference.js';
import type { GongzhiContext } from '../context.js';
import { hasMany } from '../graphql/relation-field.js';
import { addRequestPhoto, removeRequestPhoto } from './request-photo.commands.js';
import { RequestPhoto } from './request-photo.entity.js';
import { Request } from './request.entity.js';
import { RequestPayload } from './request.types.js';

/** Photos of requests (随手拍): adding one, and the list. */
@Resolver(() => Request)
export class RequestPhotoResolver {
  @Mutation(() => RequestPayload, {
    description:
      'Adds a photo to a request by its https address (随手拍; 整改前/整改后: before and after the repair), with an optional caption: its requester, whoever holds it, or staff with request.manage. At most 9 per request.',
  })
  addRequestPhoto(
    @RefArg('id', () => Request) request: Ref<Request>,
    @Arg('url', () => String, { description: 'Where the picture is: https (the district keeps the file).' }) url: string,
    @Arg('caption', () => String, { nullable: true, description: 'What it shows, up to 200 characters.' }) caption: string | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<RequestPayload> {
    return perform(ctx, RequestPayload, addRequestPhoto, { request, url, caption: caption ?? null });
  }

  @Mutation(() => RequestPayload, {
    description:
      'Takes a photo off a request (the wrong picture, or one that shows a face or a home): whoever added it, or staff with request.manage. The audit log keeps that it was there.',
  })
  removeRequestPhoto(@RefArg('id', () => RequestPhoto) photo: Ref<RequestPhoto>, @Ctx() ctx: GongzhiContext): Promise<RequestPayload> {
    return perform(ctx, RequestPayload, removeRequestPhoto, { photo });
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
