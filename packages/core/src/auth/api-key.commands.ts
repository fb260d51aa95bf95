import { defineCommand, type Named } from '../command/command.js';
import { DomainError } from '../command/domain-error.js';
import type { Place } from '../place/place.entity.js';
import { type ApiKey } from './api-key.entity.js';
import { createApiKey as issueApiKey } from './api-key.service.js';
import { Permission } from './permission.js';

/**
 * Creates an API key for a district app, scoped to places and permissions the actor holds
 * there itself (nobody hands out more than they hold). The secret is in the answer only.
 */
export const createApiKey = defineCommand<
  { name: string; places: Named<Place>[]; permissions: string[] },
  { apiKey: ApiKey; secret: string }
>({
  name: 'apiKey.create',
  permission: Permission.API_KEY_MANAGE,
  async run(uow, { name: given, places, permissions }) {
    const access = uow.actor.access;
    const name = given.trim();
    if (!name || name.length > 200) throw new DomainError('BAD_USER_INPUT', '"input.name" must have 1 to 200 characters.', 'input.name');
    if (permissions.length === 0) {
      throw new DomainError(
        'BAD_USER_INPUT',
        '"input.permissions" must name at least one permission, e.g. request.submit.',
        'input.permissions',
      );
    }
    if (places.length === 0 && !access.everywhere) {
      throw new DomainError(
        'BAD_USER_INPUT',
        '"input.placeIds" must name at least one place: you may only give keys for places you see yourself.',
        'input.placeIds',
      );
    }
    for (const permission of permissions) {
      const held = places.length ? places.every((p) => access.can(permission, p.path)) : access.everywhere && access.can(permission);
      if (!held) {
        throw new DomainError(
          'FORBIDDEN',
          `You cannot give "${permission}" ${places.length ? 'at these places' : 'everywhere'}: you do not hold it there yourself.`,
          'input.permissions',
        );
      }
    }
    return issueApiKey(uow.em, { name, placeIds: places.map((p) => p.uuid), permissions: [...new Set(permissions)] });
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
