import type { EntityManager } from '@mikro-orm/postgresql';
import type { Caller } from '../context.js';
import { userError } from '../graphql/user-error.js';
import { fromGlobalId } from '../relay/global-id.js';
import { findApiKey, isApiKeyFormat } from './api-key.queries.js';
import { createTokenVerifier, type TokenConfig } from './person-token.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Turns a credential (an API key or a person token) into a caller; null for none. */
export type Authenticator = (credential: string | null | undefined) => Promise<Caller | null>;

/** `api_key.last_used_at` is recorded to this precision (one write a minute per key at most). */
const LAST_USED_PRECISION_MS = 60_000;

/**
 * The one place credentials are checked, for HTTP (`Authorization: Bearer …`) and WebSocket
 * (`connection_init` payload) alike. A credential that is given but wrong is an error, never
 * silently anonymous, so a client learns its key was revoked.
 */
export function createAuthenticator(em: () => EntityManager, tokens: TokenConfig): Authenticator {
  const verify = createTokenVerifier(tokens);
  // When each key was last recorded as used by this process: a read must not cost a write
  // (and a WAL flush) every time, so `last_used_at` is kept to the minute.
  const touched = new Map<string, number>();
  return async (credential) => {
    const given = credential?.trim();
    if (!given) return null;
    if (/^bearer$/i.test(given)) {
      throw userError(
        'UNAUTHENTICATED',
        'The credential is missing after "Bearer": send "Authorization: Bearer <API key or person token>".',
      );
    }
    const raw = given.replace(/^Bearer\s+/i, '');
    if (isApiKeyFormat(raw)) {
      const fork = em();
      const key = await findApiKey(fork, raw);
      if (!key)
        throw userError(
          'UNAUTHENTICATED',
          'This API key is unknown or revoked. Ask an administrator for a valid key (gongzhi api-key create).',
        );
      // Best effort, never in the caller's way; at most once a minute per key and process.
      const now = Date.now();
      if (now - (touched.get(key.uuid) ?? 0) >= LAST_USED_PRECISION_MS) {
        if (touched.size > 10_000) touched.clear();
        touched.set(key.uuid, now);
        void fork
          .getConnection()
          .execute(
            `UPDATE api_key SET last_used_at = now() WHERE id = ? AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
            [key.uuid],
          )
          .catch(() => undefined);
      }
      return { id: key.uuid, kind: 'api-key' };
    }
    if (!verify)
      throw userError(
        'UNAUTHENTICATED',
        'Person tokens are not accepted by this server (no GONGZHI_JWT_SECRET or GONGZHI_JWKS_URL configured). Use an API key.',
      );
    let subject: string | undefined;
    try {
      subject = (await verify(raw)).sub;
    } catch (err) {
      throw userError('UNAUTHENTICATED', `The person token is not valid: ${(err as Error).message}. Sign in again.`);
    }
    const personUuid = subject && (UUID.test(subject) ? subject : fromGlobalId(subject)?.id);
    if (!personUuid || !UUID.test(personUuid)) throw userError('UNAUTHENTICATED', 'The person token has no person id in "sub".');
    return { id: personUuid, kind: 'person' };
  };
}
