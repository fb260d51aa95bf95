import { Arg, Args, Ctx, Field, FieldResolver, InputType, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { authorize } from '../auth/authorize.js';
import { Permission } from '../auth/permission.js';
import { perform } from '../command/command.js';
import { payloadType } from '../command/payload.js';
import { type Ref, RefArg, RefField } from '../command/reference.js';
import type { GongzhiContext } from '../context.js';
import { keyedRows, loadById } from '../graphql/loaders.js';
import { Place } from '../place/place.entity.js';
import { MAX_ROTATION_GRACE_SECONDS } from '../auth/secret-rotation.js';
import {
  createWebhook,
  deleteWebhook,
  enableWebhook,
  pingWebhook,
  replayWebhookDelivery,
  rotateWebhookSecret,
  updateWebhook,
} from './webhook.commands.js';
import { Webhook, WebhookAttempt, WebhookDelivery, WebhookDeliveryStatus } from './webhook.entity.js';
import {
  type ConnectionOrder,
  ConnectionArgs,
  ConnectionPage,
  connectionType,
  findPage,
  loadPageByForeignKey,
} from '../relay/connection.js';
import { coreMessages } from '../i18n/core-messages.js';
import { BoundedList } from '../graphql/bounded-list.js';

@InputType()
class CreateWebhookInput {
  @Field(() => String, { description: 'Where to POST events: https (plain http only to 127.0.0.1 or localhost outside production).' })
  url!: string;

  @Field(() => [String], {
    description: 'Event names to deliver, e.g. ["request.created", "request.status-changed"]; ["*"] for every event.',
  })
  eventTypes!: string[];

  @RefField(() => [Place], {
    nullable: true,
    description: 'Only events about rows under these places (you need webhook.manage there); empty or absent: all you may see.',
  })
  placeIds?: Ref<Place>[] | null;
}

@InputType({ description: 'What to change of a webhook: each field given replaces the old value; one left out stays.' })
class UpdateWebhookInput {
  @Field(() => String, { nullable: true, description: 'Where to POST events from now on (checked as when creating it).' })
  url?: string | null;

  @Field(() => [String], { nullable: true, description: 'The event names to deliver from now on; ["*"] for every event.' })
  eventTypes?: string[] | null;

  @RefField(() => [Place], {
    nullable: true,
    description: 'Only events about rows under these places from now on (you need webhook.manage there); empty: all you may see.',
  })
  placeIds?: Ref<Place>[] | null;
}

@ObjectType({ description: 'A webhook with its signing secret: store the secret now, it is never shown again.' })
export class WebhookWithSecret {
  @Field(() => Webhook)
  webhook!: Webhook;

  @Field(() => String, { description: 'The signing secret (whsec_…), for verifying webhook-signature.' })
  secret!: string;
}

export const WebhookWithSecretPayload = payloadType('WebhookWithSecretPayload', 'created', () => WebhookWithSecret, {
  description: 'The webhook and its new signing secret (shown this once), or the errors that stopped it.',
});
export const WebhookPayload = payloadType('WebhookPayload', 'webhook', () => Webhook);
export const WebhookDeliveryPayload = payloadType('WebhookDeliveryPayload', 'delivery', () => WebhookDelivery);

/** Webhooks and their deliveries, newest first (migration 0021 indexes both orders). */
const WebhookConnection = connectionType(Webhook);
const WebhookDeliveryConnection = connectionType(WebhookDelivery);
const NEWEST_WEBHOOK_FIRST: ConnectionOrder<Webhook> = { keys: ['createdAt', 'uuid'], direction: 'desc' };
const NEWEST_DELIVERY_FIRST: ConnectionOrder<WebhookDelivery> = { keys: ['createdAt', 'uuid'], direction: 'desc' };

@Resolver(() => Webhook)
export class WebhookResolver {
  @Query(() => WebhookConnection, {
    description:
      'Your webhooks (the API key or person calling), newest first, with their status and why one was disabled; a page at a time.',
  })
  async webhooks(@Args(() => ConnectionArgs) page: ConnectionArgs, @Ctx() ctx: GongzhiContext): Promise<ConnectionPage<Webhook>> {
    await authorize(ctx, Permission.WEBHOOK_MANAGE);
    return findPage(ctx, Webhook, { ownerId: ctx.caller!.id }, NEWEST_WEBHOOK_FIRST, page, {
      connection: 'Query.webhooks',
      defaultSize: 50,
    });
  }

  @BoundedList('the places one webhook was registered for')
  @FieldResolver(() => [Place], { description: 'Places whose events it receives; empty: all its owner may see.' })
  async places(@Root() webhook: Webhook, @Ctx() ctx: GongzhiContext): Promise<Place[]> {
    const found = await Promise.all(webhook.placeIds.map((id) => loadById(ctx, Place, id)));
    return found.filter((p) => p !== null);
  }

  @FieldResolver(() => WebhookDeliveryConnection, {
    description: 'The delivery log: the newest deliveries first, with their attempts, a page at a time.',
  })
  deliveries(
    @Root() webhook: Webhook,
    @Arg('status', () => WebhookDeliveryStatus, { nullable: true, description: 'Only deliveries in this status.' })
    status: WebhookDeliveryStatus | null | undefined,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<WebhookDelivery>> {
    // One statement for every webhook of a page, per status and paging arguments.
    return loadPageByForeignKey(ctx, WebhookDelivery, 'webhookId', webhook.uuid, NEWEST_DELIVERY_FIRST, page, {
      connection: 'Webhook.deliveries',
      defaultSize: 20,
      ...(status ? { where: { status } } : {}),
    });
  }

  @Mutation(() => WebhookWithSecretPayload, {
    description:
      'Subscribes a URL to events about rows you may see; deliveries are signed per Standard Webhooks (docs/webhooks.md). Needs webhook.manage.',
  })
  createWebhook(@Arg('input', () => CreateWebhookInput) input: CreateWebhookInput, @Ctx() ctx: GongzhiContext) {
    return perform(
      ctx,
      WebhookWithSecretPayload,
      createWebhook,
      {
        url: input.url,
        eventTypes: input.eventTypes,
        places: input.placeIds ?? [],
        unknownEvent: (name) => ctx.events.eventTypes.unknown(name),
      },
      (created) => ({ created }),
    );
  }

  @Mutation(() => WebhookPayload, {
    description:
      'Changes the URL, event types or places of one of your webhooks; its secret and delivery log stay, and deliveries not made yet go to the new URL. Needs webhook.manage.',
  })
  updateWebhook(
    @RefArg('id', () => Webhook) webhook: Ref<Webhook>,
    @Arg('input', () => UpdateWebhookInput) input: UpdateWebhookInput,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, WebhookPayload, updateWebhook, {
      webhook,
      url: input.url,
      eventTypes: input.eventTypes,
      places: input.placeIds,
      unknownEvent: (name) => ctx.events.eventTypes.unknown(name),
    });
  }

  @Mutation(() => WebhookPayload, { description: 'Deletes one of your webhooks and its delivery log; nothing more is sent.' })
  deleteWebhook(@RefArg('id', () => Webhook) webhook: Ref<Webhook>, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, WebhookPayload, deleteWebhook, { webhook });
  }

  @Mutation(() => WebhookWithSecretPayload, {
    description: 'Gives a webhook a new signing secret; the old one keeps signing too for graceSeconds (default one day).',
  })
  rotateWebhookSecret(
    @RefArg('id', () => Webhook) webhook: Ref<Webhook>,
    @Arg('graceSeconds', () => Int, {
      defaultValue: 86_400,
      description: `How long the old secret also signs, 0–${MAX_ROTATION_GRACE_SECONDS}.`,
    })
    graceSeconds: number,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, WebhookWithSecretPayload, rotateWebhookSecret, { webhook, graceSeconds }, (created) => ({ created }));
  }

  @Mutation(() => WebhookPayload, { description: 'Enables a disabled webhook: its pending deliveries are tried again.' })
  enableWebhook(@RefArg('id', () => Webhook) webhook: Ref<Webhook>, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, WebhookPayload, enableWebhook, { webhook });
  }

  @Mutation(() => WebhookDeliveryPayload, {
    description:
      'Sends a test delivery (event webhook.ping) to one of your webhooks, signed and retried like any other, and answers it as in the delivery log: for checking a receiver.',
  })
  pingWebhook(@RefArg('id', () => Webhook) webhook: Ref<Webhook>, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, WebhookDeliveryPayload, pingWebhook, { webhook });
  }

  @Mutation(() => WebhookDeliveryPayload, {
    description: 'Sends a delivery again, with the same webhook-id, starting a fresh series of attempts.',
  })
  replayWebhookDelivery(@RefArg('deliveryId', () => WebhookDelivery) delivery: Ref<WebhookDelivery>, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, WebhookDeliveryPayload, replayWebhookDelivery, { delivery });
  }
}

@Resolver(() => WebhookDelivery)
export class WebhookDeliveryResolver {
  @FieldResolver(() => String, { description: 'The webhook-id header: the same on every attempt and replay of this delivery.' })
  messageId(@Root() delivery: WebhookDelivery): string {
    return delivery.uuid;
  }

  @FieldResolver(() => Date, { nullable: true, description: 'When the next attempt is due, while it is pending.' })
  nextAttemptAt(@Root() delivery: WebhookDelivery): Date | null {
    return delivery.status === WebhookDeliveryStatus.PENDING ? delivery.nextAttemptAt : null;
  }

  @FieldResolver(() => Webhook)
  async webhook(@Root() delivery: WebhookDelivery, @Ctx() ctx: GongzhiContext): Promise<Webhook> {
    const found = await loadById(ctx, Webhook, delivery.webhookId);
    if (!found) throw coreMessages.webhookDeliveryDeleted.error();
    return found;
  }

  @BoundedList('the attempts of one delivery (at most its retry limit)')
  @FieldResolver(() => [WebhookAttempt], { description: 'Every attempt, the first first: status code, duration, error.' })
  async attemptLog(@Root() delivery: WebhookDelivery, @Ctx() ctx: GongzhiContext): Promise<WebhookAttempt[]> {
    const rows = await keyedRows<{
      delivery_id: string;
      attempt: number;
      attempted_at: Date | string;
      status_code: number | null;
      duration_ms: number;
      error: string | null;
    }>(ctx, 'WebhookDelivery.attemptLog', delivery.uuid, {
      sql: (match) => `SELECT delivery_id, attempt, attempted_at, status_code, duration_ms, error FROM webhook_attempt
          WHERE delivery_id ${match} ORDER BY attempt, id`,
      keyColumn: 'delivery_id',
      type: 'uuid',
    });
    return rows.map((r) => ({
      attempt: r.attempt,
      attemptedAt: new Date(r.attempted_at),
      statusCode: r.status_code,
      durationMs: r.duration_ms,
      error: r.error,
    }));
  }
}
