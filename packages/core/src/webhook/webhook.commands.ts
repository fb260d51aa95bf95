import { randomUUID } from 'node:crypto';
import { defineCommand, type Named, type UnitOfWork } from '../command/command.js';
import { Permission } from '../auth/permission.js';
import { toGlobalId } from '../relay/global-id.js';
import type { Place } from '../place/place.entity.js';
import { newWebhookSecret } from './webhook-signature.js';
import { Webhook, WebhookDelivery, WebhookStatus } from './webhook.entity.js';
import { coreMessages } from '../i18n/core-messages.js';
import { checkHttpsUrl } from '../command/https-url.js';
import { checkGraceSeconds, graceEnd } from '../auth/secret-rotation.js';

/** Most webhooks one person or key may have. */
export const MAX_WEBHOOKS_PER_OWNER = 20;

const EVENT_NAME = /^[a-z][a-z0-9-]*\.[a-z0-9][a-z0-9.-]*$/;

/**
 * Checks a receiver URL: https, or plain http to a loopback address (tests, development) when
 * the process is not in production (`NODE_ENV=production`). Returns the URL as normalized.
 */
export function checkWebhookUrl(given: string, production = process.env.NODE_ENV === 'production'): string {
  return checkHttpsUrl(given, 'input.url', 'https://example.org/hooks/gongzhi', production);
}

/** Null when the platform emits the event `name` (or does not check its namespace); otherwise the declared names nearest to it. */
type UnknownEvent = (name: string) => string[] | null;

/** The event types of a subscription, each checked (a name, `*`, one the platform emits), without repeats. */
function checkEventTypes(eventTypes: readonly string[], unknownEvent: UnknownEvent): string[] {
  const types = [...new Set(eventTypes.map((t) => t.trim()))];
  if (types.length === 0 || types.length > 100) {
    throw coreMessages.inputEventtypesNameEvents.error('input.eventTypes');
  }
  const bad = types.find((t) => t !== '*' && !EVENT_NAME.test(t));
  if (bad !== undefined) {
    throw coreMessages.inputEventtypesWhichEvent.error({ bad }, 'input.eventTypes');
  }
  for (const name of types) {
    const near = name === '*' ? null : unknownEvent(name);
    if (near) throw coreMessages.eventTypeNotDeclared.error({ name, near: near.join(', ') }, 'input.eventTypes');
  }
  return types;
}

/** The places a subscription narrows to: the caller must hold `webhook.manage` at each. */
function checkPlaces(uow: UnitOfWork, places: readonly Place[]): string[] {
  for (const place of places) {
    if (!uow.actor.access.can(Permission.WEBHOOK_MANAGE, place.path)) {
      throw coreMessages.youDoHoldName.error({ WEBHOOK_MANAGE: Permission.WEBHOOK_MANAGE, placeName: place.name }, 'input.placeIds');
    }
  }
  return places.map((p) => p.uuid);
}

/**
 * Creates a webhook owned by the caller (an API key or a signed-in person): `eventTypes` (event
 * names, or "*" for all) about rows under `places` (empty: all the caller sees), POSTed to `url`.
 * The caller must hold `webhook.manage` at every place named. The secret is in the answer only.
 */
export const createWebhook = defineCommand<
  { url: string; eventTypes: string[]; places: Named<Place>[]; unknownEvent: UnknownEvent },
  { webhook: Webhook; secret: string }
>({
  name: 'webhook.create',
  permission: Permission.WEBHOOK_MANAGE,
  async run(uow, { url: givenUrl, eventTypes, places, unknownEvent }) {
    const { caller } = uow.actor;
    if (caller?.kind !== 'api-key' && caller?.kind !== 'person') {
      throw coreMessages.webhookBelongsApiKey.error();
    }
    const url = checkWebhookUrl(givenUrl);
    const types = checkEventTypes(eventTypes, unknownEvent);
    const placeIds = checkPlaces(uow, places);
    const [count] = await uow.em.execute<{ n: string }[]>('SELECT count(*) AS n FROM webhook WHERE owner_id = ?', [caller.id]);
    const n = Number(count?.n ?? 0);
    if (n >= MAX_WEBHOOKS_PER_OWNER) {
      throw coreMessages.youWebhooksMostOne.error({ n });
    }
    const secret = newWebhookSecret();
    const webhook = uow.em.create(Webhook, { ownerKind: caller.kind, ownerId: caller.id, url, eventTypes: types, placeIds, secret });
    await uow.em.flush();
    return { webhook, secret };
  },
});

/**
 * Changes what a webhook receives, and where: each of `url`, `eventTypes` and `places` given is
 * checked as when creating it and replaces the old one (`places` empty: all its owner sees);
 * those not given stay. The secret and the delivery log stay; deliveries not made yet go to the
 * new URL. Every process applies new event types when the change notice arrives.
 */
export const updateWebhook = defineCommand<
  {
    webhook: Named<Webhook>;
    url?: string | null;
    eventTypes?: string[] | null;
    places?: Named<Place>[] | null;
    unknownEvent: UnknownEvent;
  },
  Webhook
>({
  name: 'webhook.update',
  permission: Permission.WEBHOOK_MANAGE,
  lock: ['webhook'],
  async run(uow, { webhook, url, eventTypes, places, unknownEvent }) {
    if (url != null) webhook.url = checkWebhookUrl(url);
    if (eventTypes != null) webhook.eventTypes = checkEventTypes(eventTypes, unknownEvent);
    if (places != null) webhook.placeIds = checkPlaces(uow, places);
    await uow.em.flush();
    return webhook;
  },
});

/** Deletes a webhook and its delivery log; deliveries not made yet are dropped. */
export const deleteWebhook = defineCommand<{ webhook: Named<Webhook> }, Webhook>({
  name: 'webhook.delete',
  permission: Permission.WEBHOOK_MANAGE,
  lock: ['webhook'],
  async run(uow, { webhook }) {
    await uow.em.execute('DELETE FROM webhook WHERE id = ?', [webhook.uuid]);
    return webhook;
  },
});

/**
 * Gives a webhook a new secret; the old one keeps signing (a second signature in the header)
 * for `graceSeconds`, so the receiver can switch without missing a delivery.
 */
export const rotateWebhookSecret = defineCommand<{ webhook: Named<Webhook>; graceSeconds: number }, { webhook: Webhook; secret: string }>({
  name: 'webhook.rotateSecret',
  permission: Permission.WEBHOOK_MANAGE,
  lock: ['webhook'],
  async run(uow, { webhook, graceSeconds }) {
    checkGraceSeconds(graceSeconds);
    const secret = newWebhookSecret();
    webhook.previousSecret = webhook.secret;
    webhook.previousSecretExpiresAt = await graceEnd(uow.em, graceSeconds);
    webhook.secret = secret;
    await uow.em.flush();
    return { webhook, secret };
  },
});

/**
 * Enables a disabled webhook again: its pending deliveries start a fresh series of attempts
 * (deliveries that failed stay failed; replay them one by one).
 */
export const enableWebhook = defineCommand<{ webhook: Named<Webhook> }, Webhook>({
  name: 'webhook.enable',
  permission: Permission.WEBHOOK_MANAGE,
  lock: ['webhook'],
  async run(uow, { webhook }) {
    if (webhook.status === WebhookStatus.ACTIVE) return webhook;
    webhook.status = WebhookStatus.ACTIVE;
    webhook.disabledReason = null;
    webhook.disabledAt = null;
    await uow.em.flush();
    await uow.em.execute(
      `UPDATE webhook_delivery SET retry_since = clock_timestamp(), next_attempt_at = clock_timestamp()
        WHERE webhook_id = ? AND status = 'pending'`,
      [webhook.uuid],
    );
    return webhook;
  },
});

/**
 * Sends a delivery again, by hand, with the same `webhook-id` (a receiver that already took it
 * can tell): it becomes pending and starts a fresh series of attempts.
 */
export const replayWebhookDelivery = defineCommand<{ delivery: Named<WebhookDelivery> }, WebhookDelivery>({
  name: 'webhook.replayDelivery',
  permission: Permission.WEBHOOK_MANAGE,
  lock: ['delivery'],
  async run(uow, { delivery }) {
    const webhook = await uow.em.findOneOrFail(Webhook, { uuid: delivery.webhookId });
    if (webhook.status !== WebhookStatus.ACTIVE) {
      throw coreMessages.webhookDisabledSoNothing.error('deliveryId');
    }
    await uow.em.execute(
      `UPDATE webhook_delivery SET status = 'pending', retry_since = clock_timestamp(), next_attempt_at = clock_timestamp() WHERE id = ?`,
      [delivery.uuid],
    );
    await uow.em.refresh(delivery);
    return delivery;
  },
});

/** The event of a test delivery: it reaches only the webhook pinged, whatever its `eventTypes`. */
export const WEBHOOK_PING = 'webhook.ping';

/**
 * Sends a test delivery (`webhook.ping`) to one of your webhooks, the way every delivery goes:
 * signed with its secrets, retried, in its delivery log. For checking a receiver and its
 * signature check before real events arrive. Ping ids are negative source ids (an outbox row's
 * are positive), one lower each time, under the webhook's lock.
 */
export const pingWebhook = defineCommand<{ webhook: Named<Webhook> }, WebhookDelivery>({
  name: 'webhook.ping',
  permission: Permission.WEBHOOK_MANAGE,
  lock: ['webhook'],
  async run(uow, { webhook }) {
    if (webhook.status !== WebhookStatus.ACTIVE) throw coreMessages.webhookDisabledPing.error('id');
    const id = randomUUID();
    const payload = {
      webhookId: toGlobalId('Webhook', webhook.uuid),
      url: webhook.url,
      message: 'A test delivery from Gongzhi: this receiver is reached.',
    };
    await uow.em.execute(
      `INSERT INTO webhook_delivery (id, webhook_id, source_id, event, payload, occurred_at)
       SELECT ?, ?, least(coalesce(min(source_id), 0), 0) - 1, ?, ?::jsonb, ? FROM webhook_delivery WHERE webhook_id = ? AND source_id < 0`,
      [id, webhook.uuid, WEBHOOK_PING, JSON.stringify(payload), uow.now(), webhook.uuid],
    );
    return uow.em.findOneOrFail(WebhookDelivery, { uuid: id });
  },
});
