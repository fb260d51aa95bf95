import { timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Caller } from '../context.js';
import { fromGlobalId } from '../relay/global-id.js';
import { Access } from './access.js';
import { presetAccess } from './preset-access.js';
import { hashSecret, KEY_FORMAT } from './api-key.commands.js';
import { isApiKeyFormat } from './api-key.queries.js';
import { createTokenVerifier, type TokenConfig } from './person-token.js';
import type { RevocationFeed } from './revocation-feed.js';
import { coreMessages } from '../i18n/core-messages.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Turns a credential (an API key or a person token) into a caller; null for none. */
export type Authenticator = (credential: string | null | undefined) => Promise<Caller | null>;

/** `api_key.last_used_at` is recorded to this precision (one write a minute per key at most). */
const LAST_USED_PRECISION_MS = 60_000;

/** The longest an API key's grants, read with it, wait for the operation they were read for (without a cache). */
const UNCACHED_GRANTS_MS = 1000;

/** Options of {@link createAuthenticator}. */
export interface AuthenticatorOptions {
  /**
   * How long a checked API key (its caller and grants) is reused without asking the database
   * again, in ms (default 5,000). Only with `revocations`: a revoked key is dropped at once.
   */
  cacheMs?: number;
  /** Revocation notices from every process (`PostgresRevocationFeed`); without it nothing is cached. */
  revocations?: RevocationFeed;
}

/** A checked API key: its caller and access, until `expires` or until dropped. */
interface CheckedKey {
  caller: Caller;
  access: Access;
  expires: number;
}

/**
 * The live key a secret belongs to and its grants (the paths of its places), in one statement;
 * null for an unknown, malformed or revoked key. Looked up by its public prefix, compared in
 * constant time.
 */
async function checkApiKey(em: EntityManager, secret: string): Promise<{ id: string; access: Access } | null> {
  const match = KEY_FORMAT.exec(secret);
  if (!match) return null;
  const [key] = await em
    .getConnection()
    .execute<{ id: string; secret_hash: string; permissions: string[]; everywhere: boolean; paths: string[] }[]>(
      `SELECT k.id, k.secret_hash, k.permissions, cardinality(k.place_ids) = 0 AS everywhere,
              coalesce(array_agg(p.path) FILTER (WHERE p.path IS NOT NULL), '{}') AS paths
         FROM api_key k LEFT JOIN place p ON p.id = ANY (k.place_ids)
        WHERE k.prefix = ? AND k.revoked_at IS NULL
        GROUP BY k.id`,
      [`gz_${match[1]}`],
    );
  if (!key) return null;
  const given = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(key.secret_hash, 'hex');
  if (given.length !== stored.length || !timingSafeEqual(given, stored)) return null;
  // The key's own id rides along: it owns rows (its webhooks) that place rules show to it.
  const access = key.everywhere
    ? Access.of([{ path: '', permissions: key.permissions }], null, key.id)
    : Access.of(
        key.paths.map((path) => ({ path, permissions: key.permissions })),
        null,
        key.id,
      );
  return { id: key.id, access };
}

/**
 * The one place credentials are checked, for HTTP (`Authorization: Bearer …`) and WebSocket
 * (`connection_init` payload) alike. A credential that is given but wrong is an error, never
 * silently anonymous, so a client learns its key was revoked.
 *
 * An API key is checked together with its grants in one statement, and the caller it returns
 * carries those grants for the operation (no second statement). With `options.revocations`,
 * checked keys are kept for `cacheMs` per credential and dropped at once when any process
 * revokes them (and all of them whenever the feed may have missed a notice). Concurrent
 * checks of one key share one statement.
 */
export function createAuthenticator(em: () => EntityManager, tokens: TokenConfig, options: AuthenticatorOptions = {}): Authenticator {
  const verify = createTokenVerifier(tokens);
  const feed = options.revocations;
  const cacheMs = feed ? (options.cacheMs ?? 5000) : 0;
  const cache = new Map<string, CheckedKey>();
  // The caller object last handed out for each cached key (its grants not used yet, maybe).
  const issued = new WeakMap<CheckedKey, Caller>();
  // Revocation notices so far: a check that read its key before one came is answered, not cached.
  let revocations = 0;
  feed?.subscribe((keyId) => {
    revocations++;
    // The grants handed out with a dropped key go too (if not used yet).
    for (const [credential, entry] of cache) {
      if (keyId !== null && entry.caller.id !== keyId) continue;
      const last = issued.get(entry);
      if (last) presetAccess.delete(last);
      cache.delete(credential);
    }
  });
  // When each key was last recorded as used by this process: a read must not cost a write
  // (and a WAL flush) every time, so `last_used_at` is kept to the minute.
  const touched = new Map<string, number>();
  // Checks under way, per credential: a storm of handshakes with one key (dashboards
  // reconnecting) costs one statement, not one pool connection each. A check started before
  // the latest revocation notice is not joined.
  const checking = new Map<string, { seen: number; result: Promise<CheckedKey | null> }>();
  const check = (raw: string): Promise<CheckedKey | null> => {
    const running = checking.get(raw);
    if (running?.seen === revocations) return running.result;
    const seen = revocations;
    const fork = em();
    const started = checkApiKey(fork, raw)
      .then((key) => {
        if (!key) return null;
        // From when the database answered: a check may have waited long for it.
        const now = Date.now();
        // The grants read with the key serve the operations that follow (and, cached, the next ones).
        const entry: CheckedKey = { caller: { id: key.id, kind: 'api-key' }, access: key.access, expires: now + cacheMs };
        if (cacheMs > 0 && feed?.live && revocations === seen) {
          if (cache.size > 10_000) cache.clear();
          cache.set(raw, entry);
        }
        // Best effort, never in the caller's way; at most once a minute per key and process.
        if (now - (touched.get(key.id) ?? 0) >= LAST_USED_PRECISION_MS) {
          if (touched.size > 10_000) touched.clear();
          touched.set(key.id, now);
          void fork
            .getConnection()
            .execute(
              `UPDATE api_key SET last_used_at = now() WHERE id = ? AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
              [key.id],
            )
            .catch(() => undefined);
        }
        return entry;
      })
      .finally(() => {
        if (checking.get(raw)?.result === started) checking.delete(raw);
      });
    checking.set(raw, { seen, result: started });
    return started;
  };
  return async (credential) => {
    const given = credential?.trim();
    if (!given) return null;
    if (/^bearer$/i.test(given)) {
      throw coreMessages.credentialMissingAfterBearer.topLevel();
    }
    const raw = given.replace(/^Bearer\s+/i, '');
    if (isApiKeyFormat(raw)) {
      const now = Date.now();
      const cached = cache.get(raw);
      const checked = cached && cached.expires > now && feed?.live ? cached : await check(raw);
      if (!checked) throw coreMessages.apiKeyUnknownRevoked.topLevel();
      // A caller object per authentication: its grants serve the one operation it starts.
      const caller: Caller = { ...checked.caller };
      const until = checked === cached ? cached.expires : Date.now() + Math.max(cacheMs, UNCACHED_GRANTS_MS);
      presetAccess.set(caller, { access: checked.access, until });
      issued.set(checked, caller);
      return caller;
    }
    if (!verify) throw coreMessages.personTokensAcceptedServer.topLevel();
    let subject: string | undefined;
    try {
      subject = (await verify(raw)).sub;
    } catch (err) {
      throw coreMessages.personTokenValidSign.topLevel({ message: (err as Error).message });
    }
    const personUuid = subject && (UUID.test(subject) ? subject : fromGlobalId(subject)?.id);
    if (!personUuid || !UUID.test(personUuid)) throw coreMessages.personTokenPersonId.topLevel();
    return { id: personUuid, kind: 'person' };
  };
}
