import type { PhotoType } from './photo-upload.entity.js';

/**
 * A picture as the platform keeps it: without what the camera wrote about it. A phone's photo
 * carries where it was taken (GPS: a resident's home), when, and the device; a neighbour who is
 * shown the broken lamp should learn nothing else. Only the way up is kept (a JPEG's or a WebP's
 * EXIF orientation, rewritten alone), so the picture still shows upright.
 *
 * Read as far as its structure goes: a picture that does not parse as its type throws
 * {@link NotAPicture}, and is refused rather than kept with what it may carry.
 */
export function withoutMetadata(type: PhotoType, bytes: Buffer): Buffer {
  switch (type) {
    case 'image/jpeg':
      return jpegWithoutMetadata(bytes);
    case 'image/png':
      return pngWithoutMetadata(bytes);
    case 'image/webp':
      return webpWithoutMetadata(bytes);
  }
}

/** A picture whose structure does not hold (truncated, or another kind of file). */
export class NotAPicture extends Error {}

function need(condition: boolean): void {
  if (!condition) throw new NotAPicture('the picture does not parse');
}

/** JPEG markers: start of scan (the image data follows to the end), and those that carry metadata. */
const SOS = 0xda;
const APP1 = 0xe1; // EXIF and XMP
const APP13 = 0xed; // Photoshop, IPTC
const COM = 0xfe; // comments
const DROPPED = new Set([APP1, APP13, COM]);

/** Segments up to the scan, metadata dropped; the EXIF orientation, when not upright, rewritten alone where the EXIF was. */
function jpegWithoutMetadata(bytes: Buffer): Buffer {
  need(bytes.length > 4 && bytes[0] === 0xff && bytes[1] === 0xd8);
  const kept: Buffer[] = [bytes.subarray(0, 2)];
  let at = 2;
  let orientationAt: number | null = null;
  let orientation = 1;
  for (;;) {
    need(at + 1 < bytes.length && bytes[at] === 0xff);
    const marker = bytes.readUInt8(at + 1);
    if (marker === 0xff) {
      at += 1; // fill byte
      continue;
    }
    if (marker === SOS) {
      kept.push(bytes.subarray(at));
      break;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      kept.push(bytes.subarray(at, at + 2));
      at += 2;
      continue;
    }
    need(at + 4 <= bytes.length);
    const end = at + 2 + bytes.readUInt16BE(at + 2);
    need(end <= bytes.length && end > at + 3);
    if (DROPPED.has(marker)) {
      if (marker === APP1 && orientationAt === null) {
        const found = exifOrientation(bytes.subarray(at + 4, end));
        if (found !== null) {
          orientation = found;
          orientationAt = kept.length;
        }
      }
    } else {
      kept.push(bytes.subarray(at, end));
    }
    at = end;
  }
  if (orientationAt !== null && orientation !== 1) kept.splice(orientationAt, 0, orientationSegment(orientation));
  return Buffer.concat(kept);
}

/** The orientation (1–8) an EXIF segment's first directory gives, or null when it is not EXIF or says none. */
function exifOrientation(payload: Buffer): number | null {
  if (payload.length < 14 || payload.toString('latin1', 0, 6) !== 'Exif\0\0') return null;
  const tiff = payload.subarray(6);
  const little = tiff.toString('latin1', 0, 2) === 'II';
  const u16 = (at: number) => (little ? tiff.readUInt16LE(at) : tiff.readUInt16BE(at));
  const u32 = (at: number) => (little ? tiff.readUInt32LE(at) : tiff.readUInt32BE(at));
  if (!little && tiff.toString('latin1', 0, 2) !== 'MM') return null;
  const directory = u32(4);
  if (directory + 2 > tiff.length) return null;
  const entries = u16(directory);
  for (let n = 0; n < entries; n++) {
    const entry = directory + 2 + n * 12;
    if (entry + 12 > tiff.length) return null;
    if (u16(entry) === 0x0112) {
      const value = u16(entry + 8);
      return value >= 1 && value <= 8 ? value : null;
    }
  }
  return null;
}

/** An APP1 segment of EXIF holding the orientation and nothing else. */
function orientationSegment(orientation: number): Buffer {
  const segment = Buffer.alloc(36);
  segment.writeUInt16BE(0xffe1, 0);
  segment.writeUInt16BE(34, 2);
  segment.write('Exif\0\0MM\0*', 4, 'latin1');
  segment.writeUInt32BE(8, 14); // the first directory, after the TIFF header
  segment.writeUInt16BE(1, 18); // one entry
  segment.writeUInt16BE(0x0112, 20); // Orientation
  segment.writeUInt16BE(3, 22); // SHORT
  segment.writeUInt32BE(1, 24); // one value
  segment.writeUInt16BE(orientation, 28);
  segment.writeUInt32BE(0, 32); // no next directory
  return segment;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
/** PNG chunks of text, EXIF and time: what a camera or an editor wrote about the picture. */
const PNG_DROPPED = new Set(['tEXt', 'zTXt', 'iTXt', 'eXIf', 'tIME']);

/** Chunks up to IEND, metadata dropped (and anything hidden after IEND). */
function pngWithoutMetadata(bytes: Buffer): Buffer {
  need(bytes.subarray(0, 8).equals(PNG_SIGNATURE));
  const kept: Buffer[] = [PNG_SIGNATURE];
  let at = 8;
  for (;;) {
    need(at + 12 <= bytes.length);
    const end = at + 12 + bytes.readUInt32BE(at);
    need(end <= bytes.length);
    const type = bytes.toString('latin1', at + 4, at + 8);
    if (!PNG_DROPPED.has(type)) kept.push(bytes.subarray(at, end));
    at = end;
    if (type === 'IEND') return Buffer.concat(kept);
  }
}

/** WebP chunks of EXIF and XMP, and the extended header's flags that announce them. */
const WEBP_DROPPED = new Set(['EXIF', 'XMP ']);
const VP8X_EXIF = 0x08;
const VP8X_XMP = 0x04;

/** A WebP EXIF chunk holding the orientation and nothing else (the TIFF data of {@link orientationSegment}). */
function orientationChunk(orientation: number): Buffer {
  const tiff = orientationSegment(orientation).subarray(10);
  const header = Buffer.alloc(8);
  header.write('EXIF', 0, 'latin1');
  header.writeUInt32LE(tiff.length, 4);
  return Buffer.concat([header, tiff]);
}

/**
 * The RIFF container's chunks, metadata dropped (the EXIF orientation, when not upright, rewritten
 * alone where the EXIF was), its size and the extended header's flags told.
 */
function webpWithoutMetadata(bytes: Buffer): Buffer {
  need(bytes.length >= 20 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'WEBP');
  const riffEnd = 8 + bytes.readUInt32LE(4);
  need(riffEnd <= bytes.length);
  const kept: Buffer[] = [];
  let extended: Buffer | null = null;
  let orientationKept = false;
  let at = 12;
  while (at < riffEnd) {
    need(at + 8 <= riffEnd);
    const size = bytes.readUInt32LE(at + 4);
    const end = at + 8 + size + (size % 2);
    need(end <= riffEnd);
    const fourcc = bytes.toString('latin1', at, at + 4);
    if (fourcc === 'VP8X') {
      extended = Buffer.from(bytes.subarray(at, end));
      need(extended.length > 8);
      kept.push(extended);
    } else if (fourcc === 'EXIF' && !orientationKept) {
      // Its payload is TIFF data; some writers put JPEG's "Exif\0\0" before it.
      const payload = bytes.subarray(at + 8, at + 8 + size);
      const tiff = payload.toString('latin1', 0, 6) === 'Exif\0\0' ? payload : Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), payload]);
      const orientation = exifOrientation(tiff);
      if (orientation !== null && orientation !== 1) {
        kept.push(orientationChunk(orientation));
        orientationKept = true;
      }
    } else if (!WEBP_DROPPED.has(fourcc)) {
      kept.push(bytes.subarray(at, end));
    }
    at = end;
  }
  if (extended) extended.writeUInt8((extended.readUInt8(8) & ~(VP8X_EXIF | VP8X_XMP)) | (orientationKept ? VP8X_EXIF : 0), 8);
  const body = Buffer.concat(kept);
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(body.length + 4, 4);
  header.write('WEBP', 8, 'latin1');
  return Buffer.concat([header, body]);
}
