import { timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { Caller } from '../context.js';
import { executeRead } from '../graphql/loaders.js';
import { fromGlobalId, isUuid } from '../relay/global-id.js';
import { Access } from './access.js';
import { presetAccess } from './preset-access.js';
import { hashSecret, KEY_FORMAT } from './api-key.commands.js';
import { isApiKeyFormat } from './api-key.queries.js';
import { createTokenVerifier, type TokenConfig } from './person-token.js';
import type { RevocationFeed } from './revocation-feed.js';
import { coreMessages } from '../i18n/core-messages.js';

/** Turns a credential (an API key or a person token) into a caller; null for none. */
export type Authenticator = (credential: string | null | undefined) => Promise<Caller | null>;

/** `api_key.last_used_at` is recorded to this precision (one write a minute per key at most). */
const LAST_USED_PRECISION_MS = 60_000;

/** The longest a credential's grants, read with it, wait for the operation they were read for (without a cache). */
const UNCACHED_GRANTS_MS = 1000;

/** Options of {@link createAuthenticator}. */
export interface AuthenticatorOptions {
  /**
   * How long a checked API key (its caller and grants), or a person's grants, are reused without
   * asking the database again, in ms (default 5,000). Only with `revocations`: a revoked key or a
   * person whose grants changed is dropped at once.
   */
  cacheMs?: number;
  /** Revocation notices from every process (`PostgresRevocationFeed`); without it nothing is cached. */
  revocations?: RevocationFeed;
  /**
   * A person's grants (what `GongzhiContext.access()` would read for a person caller). With
   * `revocations`, a person token's grants are read here, kept like an API key's for `cacheMs`
   * per person, and dropped at once when any process changes them (core migration 0024's
   * notices: a role given, ended or removed, a household changed, a place moved). Without it a
   * person's grants are read by each operation.
   */
  personAccess?: (personUuid: string) => Promise<Access>;
}

/** A checked API key or person: its caller and access, until `expires` or until dropped. */
interface CheckedKey {
  caller: Caller;
  access: Access;
  expires: number;
}

/** What a check read: the caller and access, and until when at most they hold (a rotated key's old secret: its grace's end). */
interface CheckedRead {
  caller: Caller;
  access: Access;
  until?: number | null;
}

/**
 * The live key a secret belongs to and its grants (the paths of its places), in one statement;
 * null for an unknown, malformed or revoked key. Looked up by its public prefix (the current
 * secret's, or the one before the last rotation while its grace lasts), compared in constant
 * time. A secret in its grace is checked again when the grace ends (`until`).
 */
async function checkApiKey(em: EntityManager, secret: string): Promise<{ id: string; access: Access; until: number | null } | null> {
  const match = KEY_FORMAT.exec(secret);
  if (!match) return null;
  // Prepared (a fixed-shape read): a district's many keys are each checked every few seconds.
  const keys = await executeRead<
    { id: string; secret_hash: string; until: Date | null; permissions: string[]; everywhere: boolean; paths: string[] }[]
  >(
    em,
    `SELECT k.id, k.permissions, cardinality(k.place_ids) = 0 AS everywhere,
            CASE WHEN k.prefix = ? THEN k.secret_hash ELSE k.previous_secret_hash END AS secret_hash,
            CASE WHEN k.prefix = ? THEN NULL ELSE k.previous_expires_at END AS until,
            coalesce(array_agg(p.path) FILTER (WHERE p.path IS NOT NULL), '{}') AS paths
       FROM api_key k LEFT JOIN place p ON p.id = ANY (k.place_ids)
      WHERE (k.prefix = ? OR (k.previous_prefix = ? AND k.previous_expires_at > now())) AND k.revoked_at IS NULL
      GROUP BY k.id`,
    Array(4).fill(`gz_${match[1]}`),
    { byKey: true },
  );
  const given = Buffer.from(hashSecret(secret), 'hex');
  // Two rows only if one key's new prefix is another's old one: the secret tells them apart.
  const key = keys.find((k) => {
    const stored = Buffer.from(k.secret_hash, 'hex');
    return given.length === stored.length && timingSafeEqual(given, stored);
  });
  if (!key) return null;
  // The key's own id rides along: it owns rows (its webhooks) that place rules show to it.
  const access = key.everywhere
    ? Access.of([{ path: '', permissions: key.permissions }], null, key.id)
    : Access.of(
        key.paths.map((path) => ({ path, permissions: key.permissions })),
        null,
        key.id,
      );
  return { id: key.id, access, until: key.until ? new Date(key.until).getTime() : null };
}

/**
 * The one place credentials are checked, for HTTP (`Authorization: Bearer …`) and WebSocket
 * (`connection_init` payload) alike. A credential that is given but wrong is an error, never
 * silently anonymous, so a client learns its key was revoked.
 *
 * An API key is checked together with its grants in one statement, and the caller it returns
 * carries those grants for the operation (no second statement). With `options.revocations`,
 * checked keys are kept for `cacheMs` per credential and dropped at once when any process
 * revokes them (and all of them whenever the feed may have missed a notice); so are a person
 * token's grants, per person, with `options.personAccess`. Concurrent checks of one key (or
 * person) share one statement.
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
  const touch = (fork: EntityManager, keyId: string) => {
    const now = Date.now();
    if (now - (touched.get(keyId) ?? 0) < LAST_USED_PRECISION_MS) return;
    if (touched.size > 10_000) touched.clear();
    touched.set(keyId, now);
    // Best effort, never in the caller's way; at most once a minute per key and process.
    void fork
      .getConnection()
      .execute(
        `UPDATE api_key SET last_used_at = now() WHERE id = ? AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute')`,
        [keyId],
      )
      .catch(() => undefined);
  };
  // Checks under way, per cache key: a storm of handshakes with one key (dashboards
  // reconnecting) costs one statement, not one pool connection each. A check started before
  // the latest revocation notice is not joined.
  const checking = new Map<string, { seen: number; result: Promise<CheckedKey | null> }>();
  const check = (cacheKey: string, read: () => Promise<CheckedRead | null>): Promise<CheckedKey | null> => {
    const running = checking.get(cacheKey);
    if (running?.seen === revocations) return running.result;
    const seen = revocations;
    const started = read()
      .then((found) => {
        if (!found) return null;
        // From when the database answered: a check may have waited long for it. The grants read
        // serve the operation that follows (and, cached, the next ones).
        // A secret in its grace is kept no longer than the grace.
        const entry: CheckedKey = {
          caller: found.caller,
          access: found.access,
          expires: Math.min(Date.now() + cacheMs, found.until ?? Infinity),
        };
        if (cacheMs > 0 && feed?.live && revocations === seen) {
          if (cache.size > 10_000) cache.clear();
          cache.set(cacheKey, entry);
        }
        return entry;
      })
      .finally(() => {
        if (checking.get(cacheKey)?.result === started) checking.delete(cacheKey);
      });
    checking.set(cacheKey, { seen, result: started });
    return started;
  };
  /** The caller of a credential, with its grants preset for the operation it starts; null when the credential is unknown. */
  const callerOf = async (cacheKey: string, read: () => Promise<CheckedRead | null>): Promise<Caller | null> => {
    const cached = cache.get(cacheKey);
    const checked = cached && cached.expires > Date.now() && feed?.live ? cached : await check(cacheKey, read);
    if (!checked) return null;
    // A caller object per authentication: its grants serve the one operation it starts.
    const caller: Caller = { ...checked.caller };
    const until = checked === cached ? cached.expires : Date.now() + Math.max(cacheMs, UNCACHED_GRANTS_MS);
    presetAccess.set(caller, { access: checked.access, until });
    issued.set(checked, caller);
    return caller;
  };
  const readApiKey = (raw: string) => async () => {
    const fork = em();
    const key = await checkApiKey(fork, raw);
    if (!key) return null;
    touch(fork, key.id);
    return { caller: { id: key.id, kind: 'api-key' as const }, access: key.access, until: key.until };
  };
  const personAccess = feed ? options.personAccess : undefined;
  return async (credential) => {
    const given = credential?.trim();
    if (!given) return null;
    if (/^bearer$/i.test(given)) {
      throw coreMessages.credentialMissingAfterBearer.topLevel();
    }
    const raw = given.replace(/^Bearer\s+/i, '');
    if (isApiKeyFormat(raw)) {
      const caller = await callerOf(raw, readApiKey(raw));
      if (!caller) throw coreMessages.apiKeyUnknownRevoked.topLevel();
      return caller;
    }
    if (!verify) throw coreMessages.personTokensAcceptedServer.topLevel();
    let subject: string | undefined;
    try {
      subject = (await verify(raw)).sub;
    } catch (err) {
      throw coreMessages.personTokenValidSign.topLevel({ message: (err as Error).message });
    }
    const personUuid = subject && (isUuid(subject) ? subject : fromGlobalId(subject)?.id);
    if (!personUuid || !isUuid(personUuid)) throw coreMessages.personTokenPersonId.topLevel();
    const person: Caller = { id: personUuid, kind: 'person' };
    if (!personAccess) return person;
    // The person's grants, per person (not per token: a person signs in on several devices).
    return (await callerOf(`person:${personUuid}`, async () => ({ caller: person, access: await personAccess(personUuid) }))) ?? person;
  };
}
