import { Arg, Ctx, Field, FieldResolver, InputType, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { authorize } from '../auth/authorize.js';
import { Permission } from '../auth/permission.js';
import { perform } from '../command/command.js';
import { payloadType } from '../command/payload.js';
import { type Ref, RefArg, RefField } from '../command/reference.js';
import type { GongzhiContext } from '../context.js';
import { batchLoader, loadById } from '../graphql/loaders.js';
import { Place } from '../place/place.entity.js';
import {
  createWebhook,
  deleteWebhook,
  enableWebhook,
  MAX_ROTATION_GRACE_SECONDS,
  replayWebhookDelivery,
  rotateWebhookSecret,
} from './webhook.commands.js';
import { Webhook, WebhookAttempt, WebhookDelivery, WebhookDeliveryStatus } from './webhook.entity.js';
import { pageSize } from '../relay/connection.js';
import { coreMessages } from '../i18n/core-messages.js';

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

/** Rows of webhook_delivery as the ORM maps them. */
type DeliveryRow = Record<string, unknown> & { webhook_id: string };

@Resolver(() => Webhook)
export class WebhookResolver {
  @Query(() => [Webhook], {
    description: 'Your webhooks (the API key or person calling), newest first, with their status and why one was disabled.',
  })
  async webhooks(@Ctx() ctx: GongzhiContext): Promise<Webhook[]> {
    await authorize(ctx, Permission.WEBHOOK_MANAGE);
    return ctx.em.find(Webhook, { ownerId: ctx.caller!.id }, { orderBy: { createdAt: 'desc' } });
  }

  @FieldResolver(() => [Place], { description: 'Places whose events it receives; empty: all its owner may see.' })
  async places(@Root() webhook: Webhook, @Ctx() ctx: GongzhiContext): Promise<Place[]> {
    const found = await Promise.all(webhook.placeIds.map((id) => loadById(ctx, Place, id)));
    return found.filter((p) => p !== null);
  }

  @FieldResolver(() => [WebhookDelivery], { description: 'The delivery log: the newest deliveries first, with their attempts.' })
  async deliveries(
    @Root() webhook: Webhook,
    @Arg('first', () => Int, { defaultValue: 20, description: 'How many, 0–100 (the page cap).' }) first: number,
    @Arg('status', () => WebhookDeliveryStatus, { nullable: true, description: 'Only deliveries in this status.' })
    status: WebhookDeliveryStatus | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<WebhookDelivery[]> {
    pageSize(first, 20);
    // One query for every webhook of a list, per (first, status).
    return batchLoader<string, WebhookDelivery[]>(ctx, `Webhook.deliveries:${first}:${status ?? ''}`, async (ids) => {
      const rows = await ctx.em.execute<DeliveryRow[]>(
        `SELECT * FROM (
           SELECT d.*, row_number() OVER (PARTITION BY d.webhook_id ORDER BY d.created_at DESC, d.id) AS rn
             FROM webhook_delivery d WHERE d.webhook_id IN (?) AND (?::text IS NULL OR d.status = ?)) ranked
          WHERE rn <= ? ORDER BY created_at DESC, id`,
        [[...ids], status ?? null, status ?? null, first],
      );
      const groups = new Map<string, WebhookDelivery[]>(ids.map((id) => [id, []]));
      for (const row of rows) groups.get(row.webhook_id)?.push(ctx.em.map(WebhookDelivery, row));
      return ids.map((id) => groups.get(id)!);
    }).load(webhook.uuid);
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
      { url: input.url, eventTypes: input.eventTypes, places: input.placeIds ?? [] },
      (created) => ({ created }),
    );
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

  @FieldResolver(() => [WebhookAttempt], { description: 'Every attempt, the first first: status code, duration, error.' })
  async attemptLog(@Root() delivery: WebhookDelivery, @Ctx() ctx: GongzhiContext): Promise<WebhookAttempt[]> {
    return batchLoader<string, WebhookAttempt[]>(ctx, 'WebhookDelivery.attemptLog', async (ids) => {
      const rows = await ctx.em.execute<
        {
          delivery_id: string;
          attempt: number;
          attempted_at: Date;
          status_code: number | null;
          duration_ms: number;
          error: string | null;
        }[]
      >(
        `SELECT delivery_id, attempt, attempted_at, status_code, duration_ms, error FROM webhook_attempt
          WHERE delivery_id IN (?) ORDER BY attempt, id`,
        [[...ids]],
      );
      const groups = new Map<string, WebhookAttempt[]>(ids.map((id) => [id, []]));
      for (const r of rows) {
        groups.get(r.delivery_id)?.push({
          attempt: r.attempt,
          attemptedAt: new Date(r.attempted_at),
          statusCode: r.status_code,
          durationMs: r.duration_ms,
          error: r.error,
        });
      }
      return ids.map((id) => groups.get(id)!);
    }).load(delivery.uuid);
  }
}
