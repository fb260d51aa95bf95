import type Sharp from 'sharp';

/** The longer side of a photo's thumbnail, in pixels: a list's picture on a phone's screen at twice its density. */
export const THUMBNAIL_SIDE = 480;

/** What a thumbnail is: a JPEG, the type every browser and mini program shows. */
export const THUMBNAIL_TYPE = 'image/jpeg';

/**
 * Pixels past which a picture is not decoded for a thumbnail (a phone's 50-megapixel mode fits): five
 * megabytes of a flat PNG could otherwise ask for seconds of decoding. Past it the picture serves.
 */
const MOST_PIXELS = 64_000_000;

let loading: Promise<typeof Sharp | null> | null = null;

/**
 * libvips, loaded at the first upload (a process that never takes one never maps it); null where
 * it cannot load (a platform `sharp` has no prebuilt binary for): uploads are kept without thumbnails.
 */
function imageLibrary(): Promise<typeof Sharp | null> {
  loading ??= import('sharp').then(
    ({ default: sharp }) => {
      // Each picture is read once: libvips' cache of operations would only hold memory.
      sharp.cache(false);
      return sharp;
    },
    () => null,
  );
  return loading;
}

/**
 * A picture's thumbnail for lists (at most {@link THUMBNAIL_SIDE} pixels on its longer side,
 * turned upright by its orientation, a JPEG on white where it was transparent, with no metadata),
 * or null when there is none to make: the picture is as small already, or libvips cannot decode
 * it (its structure parsed, its pixels do not), and the picture itself serves.
 */
export async function thumbnailOf(picture: Buffer): Promise<Buffer | null> {
  const sharp = await imageLibrary();
  if (!sharp) return null;
  try {
    const image = sharp(picture, { limitInputPixels: MOST_PIXELS, failOn: 'error' });
    const { width, height, orientation } = await image.metadata();
    if (Math.max(width, height) <= THUMBNAIL_SIDE && (orientation ?? 1) === 1) return null;
    const small = await image
      .autoOrient()
      .resize(THUMBNAIL_SIDE, THUMBNAIL_SIDE, { fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .jpeg({ quality: 80 })
      .toBuffer();
    return small.length < picture.length ? small : null;
  } catch {
    return null;
  }
}
