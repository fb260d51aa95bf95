import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { expectRow } from '../database/rows.js';

/** Where uploaded photos are served: `GET /photos/<upload uuid>?expires=…&signature=…`. */
export const PHOTO_PATH = '/photos/';

/**
 * Signed links to uploaded photos. A photo is shown to whoever may read its request, so its link is
 * given out by `RequestPhoto.url` to that reader and is good until the end of the next full hour
 * (the same link all hour long, so a browser's copy keeps serving): an `<img>` can show it with no
 * credential, and a link passed on stops working. The key is the platform's, made by the first
 * process to start and read by every other, so any process serves a link another gave out.
 */
export class PhotoLinks {
  private key: Buffer | null = null;

  /** Reads the platform's key, making it first if no process has. */
  async load(em: EntityManager): Promise<void> {
    const connection = em.getConnection();
    await connection.execute(
      `INSERT INTO platform_secret (name, secret) VALUES ('photo-links', decode(?, 'hex')) ON CONFLICT (name) DO NOTHING`,
      [randomBytes(32).toString('hex')],
    );
    const { secret } = expectRow(
      await connection.execute<{ secret: string }[]>(
        `SELECT encode(secret, 'hex') AS secret FROM platform_secret WHERE name = 'photo-links'`,
      ),
      'the photo links key',
    );
    this.key = Buffer.from(secret, 'hex');
  }

  /** The signed path of an uploaded photo, good until the end of the hour after `now`'s. */
  path(uploadId: string, now: Date): string {
    const expires = (Math.floor(now.getTime() / 3_600_000) + 2) * 3600;
    return `${PHOTO_PATH}${uploadId}?expires=${expires}&signature=${this.sign(uploadId, expires)}`;
  }

  /** Whether `expires` and `signature` are a link this platform gave out for the upload, still good at `now`. */
  check(uploadId: string, expires: string | null, signature: string | null, now: Date): boolean {
    const seconds = Number(expires);
    if (!expires || !Number.isSafeInteger(seconds) || !signature || seconds * 1000 <= now.getTime()) return false;
    const expected = Buffer.from(this.sign(uploadId, seconds));
    const given = Buffer.from(signature);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private sign(uploadId: string, expires: number): string {
    if (!this.key) throw new Error('PhotoLinks used before load()');
    return createHmac('sha256', this.key).update(`${uploadId}.${expires}`).digest('base64url');
  }
}
