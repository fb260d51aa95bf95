import { coreMessages } from '../i18n/core-messages.js';

/**
 * Where {@link toGlobalId} writes `Type:localId` before encoding it: a board encodes ~400 ids,
 * and a `Buffer.from` of a joined string allocated the joined string, a buffer object and its
 * slice of the pool for each (~90 KB a board), where one scratch buffer allocates nothing.
 */
const scratch = Buffer.allocUnsafe(256);

/**
 * Global ids encoded so far, by type then local id. A board names the same people, places and
 * ancestors on every row and every read (~400 ids a board, a few dozen distinct); a lookup costs
 * about a third of an encoding. Bounded: past {@link MAX_KEPT_IDS} the ids are dropped and kept afresh.
 */
const encodedIds = new Map<string, Map<string, string>>();
let keptIds = 0;
/** Most global ids kept at once (~170 bytes each). */
const MAX_KEPT_IDS = 20_000;

/** Relay global id: base64 of `Type:localId`, opaque to clients. */
export function toGlobalId(type: string, id: string): string {
  let ofType = encodedIds.get(type);
  if (ofType === undefined) encodedIds.set(type, (ofType = new Map<string, string>()));
  let globalId = ofType.get(id);
  if (globalId === undefined) {
    globalId = encodeGlobalId(type, id);
    if (++keptIds > MAX_KEPT_IDS) {
      for (const kept of encodedIds.values()) kept.clear();
      keptIds = 1;
    }
    ofType.set(id, globalId);
  }
  return globalId;
}

function encodeGlobalId(type: string, id: string): string {
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

/** Whether `value` is a row id (a uuid), not a global id or anything else. */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/**
 * The local id inside a global id of the expected type; a typed BAD_USER_INPUT error
 * otherwise, naming the argument and the type it wanted.
 */
export function localId(globalId: string, expectedType: string, argument = 'id'): string {
  const parsed = fromGlobalId(globalId);
  if (!parsed || parsed.type !== expectedType || !isUuid(parsed.id)) {
    throw coreMessages.badArgumentId.error({ argument, expectedType, globalId }, argument, { expectedType });
  }
  return parsed.id;
}
