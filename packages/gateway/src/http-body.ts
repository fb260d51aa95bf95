import type { IncomingMessage } from 'node:http';

/** A request body over the configured limit (answered 413). */
export class BodyTooLarge extends Error {}

/** The body of `req` as UTF-8 text, refused past `limit` bytes (declared or sent). */
export async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}
