import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { expectRow } from '../database/rows.js';

/**
 * Where uploaded photos are served: `GET /photos/<upload uuid>?expires=…&signature=…`, and their
 * thumbnails at `/photos/<upload uuid>/thumbnail?…` (one link's signature serves both: a reader of
 * the picture may see its smaller copy).
 */
export const PHOTO_PATH = '/photos/';
/** The thumbnail's path after the upload's. */
export const THUMBNAIL_SUFFIX = '/thumbnail';

/** The names of the photo links' keys in `platform_secret`: the one that signs, and the one before it. */
export const PHOTO_LINK_KEY = 'photo-links';
export const PHOTO_LINK_KEY_BEFORE = 'photo-links:before';
/** How long a key signs links before core's `photo-link-key` task replaces it: a day. */
export const PHOTO_LINK_KEY_MS = 86_400_000;
/** A new key for the photo links, as `platform_secret` keeps it (hex, for `decode(?, 'hex')`). */
export function newPhotoLinkKey(): string {
  return randomBytes(32).toString('hex');
}

/** A process reads the keys again at least this often, so it signs with the newest within the hour. */
const KEYS_KEPT_MS = 3_600_000;

/**
 * Signed links to uploaded photos. A photo is shown to whoever may read its request, so its link is
 * given out by `RequestPhoto.url` to that reader and is good until the end of the next full hour
 * (the same link all hour long, so a browser's copy keeps serving): an `<img>` can show it with no
 * credential, and a link passed on stops working. The keys are the platform's, kept in
 * `platform_secret` and read by every process, so any process serves a link another gave out. The
 * signing key is replaced daily ({@link PHOTO_LINK_KEY_MS}); the one before still checks links, and
 * a process that meets a link signed by a key newer than it knows reads the keys again.
 */
export class PhotoLinks {
  /** The signing key first, then the one before it. */
  private keys: Buffer[] = [];
  private readAt = 0;
  private reading: Promise<void> | null = null;
  private em: EntityManager | null = null;

  /** Reads the platform's keys, making the first if no process has. */
  async load(em: EntityManager): Promise<void> {
    this.em = em;
    await em
      .getConnection()
      .execute(`INSERT INTO platform_secret (name, secret) VALUES (?, decode(?, 'hex')) ON CONFLICT (name) DO NOTHING`, [
        PHOTO_LINK_KEY,
        newPhotoLinkKey(),
      ]);
    await this.readKeys();
  }

  /** The signed path of an uploaded photo (or of its thumbnail), good until the end of the hour after `now`'s. */
  path(uploadId: string, now: Date, thumbnail = false): string {
    // Keys read over an hour ago are read again for the next link (this one is still good: the key before checks it).
    if (Date.now() - this.readAt > KEYS_KEPT_MS) void this.readAgain().catch(() => undefined);
    const expires = (Math.floor(now.getTime() / 3_600_000) + 2) * 3600;
    return `${PHOTO_PATH}${uploadId}${thumbnail ? THUMBNAIL_SUFFIX : ''}?expires=${expires}&signature=${this.sign(this.signingKey(), uploadId, expires)}`;
  }

  /** Whether `expires` and `signature` are a link this platform gave out for the upload, still good at `now`. */
  async check(uploadId: string, expires: string | null, signature: string | null, now: Date): Promise<boolean> {
    const seconds = Number(expires);
    if (!expires || !Number.isSafeInteger(seconds) || !signature || seconds * 1000 <= now.getTime()) return false;
    if (this.signedBy(uploadId, seconds, signature)) return true;
    // Signed by a key made since this process read them (another's, after a replacement)? Read them
    // again: a statement on a table of two rows, as serving a good link costs one (a forged link costs no more).
    await this.readAgain();
    return this.signedBy(uploadId, seconds, signature);
  }

  private signedBy(uploadId: string, expires: number, signature: string): boolean {
    const given = Buffer.from(signature);
    return this.keys.some((key) => {
      const expected = Buffer.from(this.sign(key, uploadId, expires));
      return given.length === expected.length && timingSafeEqual(given, expected);
    });
  }

  private signingKey(): Buffer {
    const [key] = this.keys;
    if (!key) throw new Error('PhotoLinks used before load()');
    return key;
  }

  private sign(key: Buffer, uploadId: string, expires: number): string {
    return createHmac('sha256', key).update(`${uploadId}.${expires}`).digest('base64url');
  }

  /** One reading at a time, however many links ask for it. */
  private readAgain(): Promise<void> {
    return (this.reading ??= this.readKeys().finally(() => (this.reading = null)));
  }

  private async readKeys(): Promise<void> {
    if (!this.em) throw new Error('PhotoLinks used before load()');
    const rows = await this.em
      .fork()
      .getConnection()
      .execute<{ name: string; secret: string }[]>(
        `SELECT name, encode(secret, 'hex') AS secret FROM platform_secret WHERE name IN (?, ?)`,
        [PHOTO_LINK_KEY, PHOTO_LINK_KEY_BEFORE],
      );
    const current = expectRow(
      rows.filter((r) => r.name === PHOTO_LINK_KEY),
      'the photo links key',
    );
    this.keys = [current, ...rows.filter((r) => r.name === PHOTO_LINK_KEY_BEFORE)].map((r) => Buffer.from(r.secret, 'hex'));
    this.readAt = Date.now();
  }
}
