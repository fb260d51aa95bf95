import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiKey } from './api-key.entity.js';

const KEY_FORMAT = /^gz_([a-z0-9]{8})_([A-Za-z0-9_-]{32,})$/;

function hash(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export interface NewApiKey {
  name: string;
  /** Place uuids whose subtrees the key sees; empty for everywhere. */
  placeIds: string[];
  permissions: string[];
}

/** Creates a key and returns it with its secret, the only time the secret is seen. */
export async function createApiKey(em: EntityManager, input: NewApiKey): Promise<{ apiKey: ApiKey; secret: string }> {
  const prefix = randomBytes(6)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 8);
  const secret = `gz_${prefix}_${randomBytes(24).toString('base64url')}`;
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
    secretHash: hash(secret),
    placeIds: input.placeIds,
    permissions: input.permissions,
  });
  await em.flush();
  return apiKey;
}

/**
 * The live key a secret belongs to, or null (unknown, malformed or revoked). Looked up by
 * its public prefix, then compared in constant time.
 */
export async function findApiKey(em: EntityManager, secret: string): Promise<ApiKey | null> {
  const match = KEY_FORMAT.exec(secret);
  if (!match) return null;
  const key = await em.findOne(ApiKey, { prefix: `gz_${match[1]}` });
  if (!key || key.revokedAt) return null;
  const given = Buffer.from(hash(secret), 'hex');
  const stored = Buffer.from(key.secretHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored) ? key : null;
}

/** Whether a string looks like an API key rather than a person token. */
export function isApiKeyFormat(secret: string): boolean {
  return secret.startsWith('gz_');
}
