import { Entity, Enum, Property } from '@mikro-orm/decorators/legacy';
import { GraphQLJSON } from 'graphql-scalars';
import { Field, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../relay/node.js';
import { NodeEntity } from '../relay/node-entity.js';

export enum WebhookStatus {
  ACTIVE = 'active',
  DISABLED = 'disabled',
}

export enum WebhookDeliveryStatus {
  PENDING = 'pending',
  SUCCEEDED = 'succeeded',
  FAILED = 'failed',
}

registerEnumType(WebhookStatus, {
  name: 'WebhookStatus',
  description: 'ACTIVE: events are delivered. DISABLED: deliveries failed for the whole retry window (see disabledReason).',
});
registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  description: 'PENDING: not delivered yet (first attempt or retries due). SUCCEEDED: the receiver answered 2xx. FAILED: retries gave up.',
});

/**
 * An outbound webhook: events of the given types, about rows its owner (the API key or person
 * that created it) may see, are POSTed to `url`, signed per the Standard Webhooks specification.
 * The signing secret is stored (it must sign), and shown only when created or rotated.
 */
@Entity({ tableName: 'webhook' })
@ObjectType({ implements: Node, description: 'An outbound webhook: signed HTTP POSTs of events to a URL (see docs/webhooks.md).' })
export class Webhook extends NodeEntity<
  'placeIds' | 'previousSecret' | 'previousSecretExpiresAt' | 'status' | 'disabledReason' | 'disabledAt'
> {
  /** 'person' or 'api-key': who created it, and whose access decides what it receives. */
  @Property({ type: 'text' })
  ownerKind!: 'person' | 'api-key';

  /** The uuid of the person or API key that created it. */
  @Property({ type: 'uuid' })
  ownerId!: string;

  @Property({ type: 'text' })
  @Field(() => String, { description: 'Where events are POSTed (https; http only to loopback outside production).' })
  url!: string;

  @Property({ type: 'text[]' })
  @Field(() => [String], { description: 'Event names delivered, e.g. request.created; "*" for every event.' })
  eventTypes!: string[];

  /** Places whose subtrees' events it receives; empty for all its owner sees. */
  @Property({ type: 'uuid[]' })
  placeIds: string[] = [];

  @Property({ type: 'text' })
  secret!: string;

  /** The secret before the last rotation, which still signs until `previousSecretExpiresAt`. */
  @Property({ type: 'text', nullable: true })
  previousSecret?: string | null = null;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, { nullable: true, description: 'Until when the secret before the last rotation also signs deliveries.' })
  previousSecretExpiresAt?: Date | null = null;

  @Enum({ items: () => WebhookStatus })
  @Field(() => WebhookStatus)
  status: WebhookStatus = WebhookStatus.ACTIVE;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, { nullable: true, description: 'Why it was disabled: the failure that persisted, and what to do.' })
  disabledReason?: string | null = null;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, { nullable: true })
  disabledAt?: Date | null = null;

  @Field(() => Date)
  override createdAt!: Date;
}

/**
 * One event to deliver to one webhook, written by the outbox fan-out and sent by the webhook
 * dispatcher. Its uuid is the `webhook-id` header, the same on every retry and replay, so a
 * receiver that remembers ids processes each delivery once.
 */
@Entity({ tableName: 'webhook_delivery' })
@ObjectType({ implements: Node, description: 'One event delivered (or to deliver) to a webhook, with its attempts.' })
export class WebhookDelivery extends NodeEntity {
  @Property({ type: 'uuid' })
  webhookId!: string;

  @Property({ type: 'bigint' })
  sourceId!: string;

  @Property({ type: 'text' })
  @Field(() => String, { description: 'The event name, e.g. request.created (the body\'s "type").' })
  event!: string;

  @Property({ type: 'json' })
  @Field(() => GraphQLJSON, { description: 'The event\'s payload (the body\'s "data").' })
  payload!: unknown;

  @Property({ type: 'datetime' })
  @Field(() => Date)
  occurredAt!: Date;

  @Enum({ items: () => WebhookDeliveryStatus })
  @Field(() => WebhookDeliveryStatus)
  status!: WebhookDeliveryStatus;

  @Property({ type: 'integer' })
  @Field(() => Int, { description: 'Attempts made so far.' })
  attempts!: number;

  @Property({ type: 'text', nullable: true })
  @Field(() => String, {
    nullable: true,
    description: 'What the last failed attempt got: an HTTP status, a timeout, a refused connection.',
  })
  lastError?: string | null;

  @Property({ type: 'integer', nullable: true })
  @Field(() => Int, { nullable: true, description: 'The HTTP status of the last attempt, if the receiver answered.' })
  lastStatusCode?: number | null;

  @Property({ type: 'datetime' })
  retrySince!: Date;

  @Property({ type: 'datetime' })
  nextAttemptAt!: Date;

  @Property({ type: 'datetime', nullable: true })
  @Field(() => Date, { nullable: true })
  deliveredAt?: Date | null;

  @Field(() => Date)
  override createdAt!: Date;
}

/** One HTTP attempt of a delivery, as the delivery log shows it. */
@ObjectType({ description: 'One attempt to deliver a webhook event.' })
export class WebhookAttempt {
  @Field(() => Int, { description: '1 for the first attempt, counting retries and replays.' })
  attempt!: number;

  @Field(() => Date)
  attemptedAt!: Date;

  @Field(() => Int, { nullable: true, description: 'The HTTP status the receiver answered; null when it did not (timeout, refused).' })
  statusCode!: number | null;

  @Field(() => Int, { description: 'How long the attempt took, in milliseconds.' })
  durationMs!: number;

  @Field(() => String, { nullable: true, description: 'Why it failed; null for a 2xx answer.' })
  error!: string | null;
}
