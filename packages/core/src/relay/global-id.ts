import { coreMessages } from '../i18n/core-messages.js';

/**
 * Where {@link toGlobalId} writes `Type:localId` before encoding it: a board encodes ~400 ids,
 * and a `Buffer.from` of a joined string allocated the joined string, a buffer object and its
 * slice of the pool for each (~90 KB a board), where one scratch buffer allocates nothing.
 */
const scratch = Buffer.allocUnsafe(256);

/** Relay global id: base64 of `Type:localId`, opaque to clients. */
export function toGlobalId(type: string, id: string): string {
  // UTF-8 takes at most three bytes per UTF-16 unit: anything that might not fit is joined and encoded as is.
  if ((type.length + 1 + id.length) * 3 > scratch.length) return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
  let end = scratch.write(type, 0, 'utf8');
  end += scratch.write(':', end, 'latin1');
  end += scratch.write(id, end, 'utf8');
  return scratch.toString('base64url', 0, end);
}

/** Splits a global id, or returns null when it is not one. */
export function fromGlobalId(globalId: string): { type: string; id: string } | null {
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const at = decoded.indexOf(':');
  if (at <= 0 || at === decoded.length - 1) return null;
  const type = decoded.slice(0, at);
  if (!/^[A-Z][A-Za-z0-9]*$/.test(type)) return null;
  return { type, id: decoded.slice(at + 1) };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The local id inside a global id of the expected type; a typed BAD_USER_INPUT error
 * otherwise, naming the argument and the type it wanted.
 */
export function localId(globalId: string, expectedType: string, argument = 'id'): string {
  const parsed = fromGlobalId(globalId);
  if (!parsed || parsed.type !== expectedType || !UUID.test(parsed.id)) {
    throw coreMessages.badArgumentId.error({ argument, expectedType, globalId }, argument, { expectedType });
  }
  return parsed.id;
}
