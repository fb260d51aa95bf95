import type { EntityManager } from '@mikro-orm/postgresql';
import { createApiKey, type NewApiKey } from '../auth/api-key.commands.js';
import { createAuthenticator } from '../auth/authenticator.js';
import type { Caller } from '../context.js';
import { Place } from '../place/place.entity.js';
import type { PlaceType } from '../place/place.entity.js';
import type { TestApp } from './index.js';

/** Writes one place of a tree: see {@link placeWriter}. */
export type PlaceWriter = (type: PlaceType, code: string, name: string, parent: Place | null, extra?: Partial<Place>) => Place;

/**
 * Writes places of a tree straight to the database, for fixtures that build a district faster
 * than through `createPlace`: each place gets its materialized path and depth from its parent's.
 * Nothing is flushed; flush `em` when the world is written.
 *
 * ```ts
 * const place = placeWriter(em);
 * const community = place(PlaceType.COMMUNITY, 'FXY3', '芳星园三区社区', subdistrict);
 * ```
 */
export function placeWriter(em: EntityManager): PlaceWriter {
  return (type, code, name, parent, extra = {}) => {
    const place = em.create(Place, { type, code, name, parent, path: '', depth: parent ? parent.depth + 1 : 0, ...extra });
    place.path = `${parent?.path ?? '/'}${place.uuid}/`;
    return place;
  };
}

/** The options of an operation run as `person`, signed in: `app.execute(query, variables, asPerson(person))`. */
export function asPerson(person: { uuid: string }): { caller: Caller & { kind: 'person' } } {
  return { caller: { id: person.uuid, kind: 'person' } };
}

/** Creates an API key straight in the database and returns the caller it signs in as (what its `Authorization` header would give). */
export async function apiKeyCaller(app: TestApp, key: NewApiKey): Promise<Caller> {
  const { secret } = await app.platform.orm.em.fork().transactional((em) => createApiKey(em, key));
  const caller = await createAuthenticator(() => app.platform.orm.em.fork(), {})(`Bearer ${secret}`);
  if (!caller) throw new Error(`The API key "${key.name}" did not sign in.`);
  return caller;
}

/** The row id (uuid) inside a global id, e.g. to compare with an event's payload or a row read by SQL. */
export function uuidOf(globalId: string): string {
  return Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1] ?? '';
}
