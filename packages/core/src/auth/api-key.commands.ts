import { createHash, randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';

import { defineCommand, type Named } from '../command/command.js';
import type { Place } from '../place/place.entity.js';
import { ApiKey } from './api-key.entity.js';
import { Permission } from './permission.js';
import { coreMessages } from '../i18n/core-messages.js';
import { placeSummaries } from '../place/place.queries.js';
import type { Access } from './access.js';
import { checkGraceSeconds, graceEnd } from './secret-rotation.js';

/** The shape of a key: gz_<8 lowercase letters or digits>_<32 or more letters, digits, - or _>. */
export const KEY_FORMAT = /^gz_([a-z0-9]{8})_([A-Za-z0-9_-]{32,})$/;

/** How a key is stored: its SHA-256, never the key. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export interface NewApiKey {
  name: string;
  /** Place uuids whose subtrees the key sees; empty for everywhere. */
  placeIds: string[];
  permissions: string[];
}

/** A fresh secret of the key form: gz_<8 random lowercase letters or digits>_<32 random characters>. */
function newSecret(): string {
  const prefix = randomBytes(6)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 8);
  return `gz_${prefix}_${randomBytes(24).toString('base64url')}`;
}

/** Creates a key and returns it with its secret, the only time the secret is seen. */
export async function createApiKey(em: EntityManager, input: NewApiKey): Promise<{ apiKey: ApiKey; secret: string }> {
  const secret = newSecret();
  return { apiKey: await registerApiKey(em, secret, input), secret };
}

/**
 * Stores a key whose secret was chosen elsewhere (a development key given in the
 * environment); it must have the form gz_xxxxxxxx_<32 or more characters>.
 */
export async function registerApiKey(em: EntityManager, secret: string, input: NewApiKey): Promise<ApiKey> {
  const match = KEY_FORMAT.exec(secret);
  if (!match) throw new Error('An API key has the form gz_<8 lowercase letters or digits>_<32 or more letters, digits, - or _>.');
  const apiKey = em.create(ApiKey, {
    name: input.name,
    prefix: `gz_${match[1]}`,
    secretHash: hashSecret(secret),
    placeIds: input.placeIds,
    permissions: input.permissions,
  });
  await em.flush();
  return apiKey;
}

/**
 * Creates an API key for a district app, scoped to places and permissions the actor holds
 * there itself (nobody hands out more than they hold). With no permissions it is a read-only
 * key: it sees its places and changes nothing (a dashboard). The secret is in the answer only.
 */
export const issueApiKey = defineCommand<
  { name: string; places: Named<Place>[]; permissions: string[] },
  { apiKey: ApiKey; secret: string }
>({
  name: 'apiKey.create',
  permission: Permission.API_KEY_MANAGE,
  async run(uow, { name: given, places, permissions }) {
    const name = given.trim();
    if (!name || name.length > 200) throw coreMessages.inputNameCharacters.error('input.name');
    if (places.length === 0 && !uow.actor.access.everywhere) {
      throw coreMessages.inputPlaceidsNameLeast.error('input.placeIds');
    }
    assertGrantable(uow.actor.access, places, permissions, 'input.permissions');
    return createApiKey(uow.em, { name, placeIds: places.map((p) => p.uuid), permissions: [...new Set(permissions)] });
  },
});

/** Refuses a permission the actor does not hold at every one of `places` (everywhere, for none): nobody hands out more than they hold. */
function assertGrantable(access: Access, places: readonly { path: string }[], permissions: readonly string[], field: string): void {
  for (const permission of permissions) {
    const held = places.length ? places.every((p) => access.can(permission, p.path)) : access.everywhere && access.can(permission);
    if (!held) throw (places.length ? coreMessages.cannotGrantAtPlaces : coreMessages.cannotGrantEverywhere).error({ permission }, field);
  }
}

/**
 * Gives a key a new secret (it leaked, or its time came), while the key keeps its id, name,
 * places, permissions and webhooks. With `graceSeconds` 0 the old secret stops working at once on
 * every process (the key's row changes, and core migration 0016's notice drops it from every
 * credential cache); with more (up to 7 days, as a webhook's) it also works until then, so an app
 * can switch its deployments over; a rotation during the grace ends the older secret at once.
 * Only who could issue the key may rotate it. The new secret is in the answer only.
 */
export const rotateApiKey = defineCommand<{ apiKey: Named<ApiKey>; graceSeconds?: number | null }, { apiKey: ApiKey; secret: string }>({
  name: 'apiKey.rotate',
  permission: Permission.API_KEY_MANAGE,
  lock: ['apiKey'],
  async run(uow, { apiKey, graceSeconds = 0 }) {
    const grace = graceSeconds ?? 0;
    checkGraceSeconds(grace);
    if (apiKey.revokedAt) throw coreMessages.apiKeyRevokedRotate.error({ revokedAt: apiKey.revokedAt.toISOString() }, 'id');
    const places = [...(await placeSummaries(uow, apiKey.placeIds)).values()];
    assertGrantable(uow.actor.access, places, apiKey.permissions, 'id');
    const secret = newSecret();
    const expires = grace > 0 ? await graceEnd(uow.em, grace) : null;
    apiKey.previousPrefix = expires ? apiKey.prefix : null;
    apiKey.previousSecretHash = expires ? apiKey.secretHash : null;
    apiKey.previousSecretExpiresAt = expires;
    apiKey.prefix = secret.slice(0, 11);
    apiKey.secretHash = hashSecret(secret);
    await uow.em.flush();
    return { apiKey, secret };
  },
});

/** Revokes an API key at once: its requests and open subscriptions stop working. */
export const revokeApiKey = defineCommand<{ apiKey: Named<ApiKey> }, ApiKey>({
  name: 'apiKey.revoke',
  permission: Permission.API_KEY_MANAGE,
  async run(uow, { apiKey }) {
    apiKey.revokedAt ??= uow.now();
    await uow.em.flush();
    return apiKey;
  },
});
