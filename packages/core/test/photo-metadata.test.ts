import { NotAPicture, withoutMetadata } from '@gongzhi/core';

/**
 * What a phone writes into a photo (where it was taken: a resident's home; when; the device) does
 * not reach the platform's copy; the way up does, so the picture still shows upright.
 */

/** A JPEG segment: its marker and payload, the length written as JPEG writes it. */
function segment(marker: number, payload: Buffer): Buffer {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(0xff00 | marker, 0);
  head.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([head, payload]);
}

/** EXIF (little-endian, as phones write it): orientation, a GPS directory pointer, and the GPS position as text after it. */
function exif(orientation: number | null): Buffer {
  const entries: [number, number, number, number][] = [
    [0x010f, 2, 6, 38], // Make → "Phone"
    ...(orientation ? ([[0x0112, 3, 1, orientation]] as [number, number, number, number][]) : []),
    [0x8825, 4, 1, 44], // GPS directory
  ];
  const tiff = Buffer.alloc(80);
  tiff.write('II*\0', 0, 'latin1');
  tiff.writeUInt32LE(8, 4);
  tiff.writeUInt16LE(entries.length, 8);
  entries.forEach(([tag, type, count, value], n) => {
    const at = 10 + n * 12;
    tiff.writeUInt16LE(tag, at);
    tiff.writeUInt16LE(type, at + 2);
    tiff.writeUInt32LE(count, at + 4);
    tiff.writeUInt32LE(value, at + 8);
  });
  tiff.write('Phone\0', 38, 'latin1');
  tiff.write('GPS 39.8612N 116.4421E', 50, 'latin1');
  return Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
}

const JFIF = segment(0xe0, Buffer.from('JFIF\0\x01\x01\0\0\x01\0\x01\0\0', 'latin1'));
const QUANTIZATION = segment(0xdb, Buffer.alloc(65, 1));
const SCAN = Buffer.concat([segment(0xda, Buffer.alloc(10, 2)), Buffer.from([9, 8, 7, 0xff, 0, 6, 0xff, 0xd9])]);
const jpeg = (...segments: Buffer[]) => Buffer.concat([Buffer.from([0xff, 0xd8]), ...segments, SCAN]);

test('a JPEG keeps its image and its way up, and loses EXIF, XMP, IPTC and comments', () => {
  const photo = jpeg(
    JFIF,
    segment(0xe1, exif(6)),
    segment(0xe1, Buffer.from('http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>宋阿姨家</x:xmpmeta>', 'utf8')),
    segment(0xed, Buffer.from('Photoshop 3.0\0IPTC 方庄', 'utf8')),
    segment(0xfe, Buffer.from('拍摄于芳星园三区20号楼', 'utf8')),
    QUANTIZATION,
  );
  const kept = withoutMetadata('image/jpeg', photo);
  const text = kept.toString('latin1');
  for (const gone of ['GPS', 'Phone', 'xmpmeta', 'Photoshop', Buffer.from('芳星园', 'utf8').toString('latin1')]) {
    expect(text).not.toContain(gone);
  }
  // SOI, JFIF, the orientation alone (6: turned right) where the EXIF was, the tables, the scan to its end.
  const upright = Buffer.from('ffe10022457869660000' + '4d4d002a00000008' + '0001' + '011200030000000100060000' + '00000000', 'hex');
  expect(kept.equals(Buffer.concat([Buffer.from([0xff, 0xd8]), JFIF, upright, QUANTIZATION, SCAN]))).toBe(true);
  // Upright already, or no orientation: no EXIF at all.
  for (const orientation of [1, null]) {
    expect(withoutMetadata('image/jpeg', jpeg(JFIF, segment(0xe1, exif(orientation)), QUANTIZATION))).toEqual(jpeg(JFIF, QUANTIZATION));
  }
  // A picture without metadata is kept as it is.
  expect(withoutMetadata('image/jpeg', jpeg(JFIF, QUANTIZATION))).toEqual(jpeg(JFIF, QUANTIZATION));
});

/** A PNG chunk (its CRC left zero: the platform does not check it, as a decoder would). */
function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, data, Buffer.alloc(4)]);
}

test('a PNG loses its text, EXIF and time chunks, and whatever follows its end', () => {
  const signature = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  const header = chunk('IHDR', Buffer.alloc(13, 1));
  const data = chunk('IDAT', Buffer.alloc(20, 3));
  const end = chunk('IEND', Buffer.alloc(0));
  const photo = Buffer.concat([
    signature,
    header,
    chunk('tEXt', Buffer.from('Comment\0GPS 39.86', 'latin1')),
    chunk('eXIf', exif(6).subarray(6)),
    chunk('tIME', Buffer.alloc(7)),
    data,
    chunk('iTXt', Buffer.from('XML:com.adobe.xmp\0\0\0\0\0<x/>', 'latin1')),
    end,
    Buffer.from('hidden after the end', 'latin1'),
  ]);
  expect(withoutMetadata('image/png', photo)).toEqual(Buffer.concat([signature, header, data, end]));
});

/** A RIFF chunk, padded to an even size. */
function riffChunk(fourcc: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.write(fourcc, 0, 'latin1');
  head.writeUInt32LE(data.length, 4);
  return Buffer.concat([head, data, Buffer.alloc(data.length % 2)]);
}
const webp = (...chunks: Buffer[]) => {
  const body = Buffer.concat(chunks);
  const head = Buffer.alloc(12);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(body.length + 4, 4);
  head.write('WEBP', 8, 'latin1');
  return Buffer.concat([head, body]);
};

test('a WebP keeps its way up and loses the rest of its EXIF and its XMP; its header announces what is left', () => {
  const extended = (flags: number) => riffChunk('VP8X', Buffer.from([flags, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
  const image = riffChunk('VP8 ', Buffer.alloc(31, 5));
  const xmp = riffChunk('XMP ', Buffer.from('<x:xmpmeta/>'));
  // The orientation alone (6: turned right) where the EXIF was, as TIFF data; the EXIF flag still set, the XMP flag not.
  const upright = riffChunk('EXIF', Buffer.from('4d4d002a00000008' + '0001' + '011200030000000100060000' + '00000000', 'hex'));
  // Written with JPEG's "Exif\0\0" before the TIFF data, or without it (as the WebP format says).
  for (const written of [exif(6), exif(6).subarray(6)]) {
    const kept = withoutMetadata('image/webp', webp(extended(0x08 | 0x04 | 0x10), image, riffChunk('EXIF', written), xmp));
    expect(kept.toString('latin1')).not.toContain('GPS');
    expect(kept).toEqual(webp(extended(0x08 | 0x10), image, upright));
  }
  // Upright already: no EXIF at all.
  const photo = webp(extended(0x08 | 0x04 | 0x10), image, riffChunk('EXIF', exif(1)), xmp);
  expect(withoutMetadata('image/webp', photo)).toEqual(webp(extended(0x10), image));
});

test('what does not read as its type is no picture: refused, not kept with what it may carry', () => {
  const cases: [Parameters<typeof withoutMetadata>[0], Buffer][] = [
    ['image/jpeg', Buffer.from('<html><body>not a photo</body></html>')],
    ['image/jpeg', jpeg(JFIF).subarray(0, 12)],
    ['image/jpeg', Buffer.concat([Buffer.from([0xff, 0xd8]), segment(0xe1, exif(6)).subarray(0, 20)])],
    ['image/png', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 40, 73, 72, 68, 82])],
    ['image/webp', Buffer.from('RIFF\x10\0\0\0WEBPVP8 \xff\0\0\0', 'latin1')],
    ['image/png', Buffer.alloc(0)],
  ];
  for (const [type, bytes] of cases) expect(() => withoutMetadata(type, bytes)).toThrow(NotAPicture);
});
