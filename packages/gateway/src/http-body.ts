import type { IncomingMessage } from 'node:http';

/** A request body over the configured limit (answered 413). */
export class BodyTooLarge extends Error {}

/**
 * The body of `req` as UTF-8 text, refused past `limit` bytes (declared or sent: the rest of a body
 * found too large as it streams is read and dropped, so the 413 reaches its client).
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return (await readBodyBytes(req, limit)).toString('utf8');
}

/** The body of `req` as bytes (a picture), refused past `limit` bytes as {@link readBody} refuses it. */
export function readBodyBytes(req: IncomingMessage, limit: number): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) return Promise.reject(new BodyTooLarge());
  if (req.readableEnded) return Promise.resolve(Buffer.alloc(0));
  // Listeners rather than `for await`: the stream's async iterator cost a small operation over
  // HTTP (the person card) about 1.5 % of the gateway's CPU (bench/README.md).
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const settle = (error: Error | null) => {
      req.off('data', onData).off('end', onEnd).off('error', settle).off('close', onClose);
      if (error) {
        req.resume();
        reject(error);
      } else {
        const [only] = chunks;
        resolve(chunks.length === 1 && only ? only : Buffer.concat(chunks));
      }
    };
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) settle(new BodyTooLarge());
      else chunks.push(chunk);
    };
    const onEnd = () => settle(null);
    // Closed before its end: the client went away in the middle of the body.
    const onClose = () => settle(Object.assign(new Error('Premature close'), { code: 'ERR_STREAM_PREMATURE_CLOSE' }));
    req.on('data', onData).on('end', onEnd).on('error', settle).on('close', onClose);
  });
}
