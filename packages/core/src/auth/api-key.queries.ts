import { timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { ApiKey } from './api-key.entity.js';
import { hashSecret, KEY_FORMAT } from './api-key.commands.js';

/**
 * The live key a secret belongs to, or null (unknown, malformed or revoked). Looked up by
 * its public prefix, then compared in constant time.
 */
export async function findApiKey(em: EntityManager, secret: string): Promise<ApiKey | null> {
  const match = KEY_FORMAT.exec(secret);
  if (!match) return null;
  const key = await em.findOne(ApiKey, { prefix: `gz_${match[1]}` });
  if (!key || key.revokedAt) return null;
  const given = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(key.secretHash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored) ? key : null;
}

/** Whether a string looks like an API key rather than a person token. */
export function isApiKeyFormat(secret: string): boolean {
  return secret.startsWith('gz_');
}
