import { coreMessages } from '../i18n/core-messages.js';

/** Relay global id: base64 of `Type:localId`, opaque to clients. */
export function toGlobalId(type: string, id: string): string {
  return Buffer.from(`${type}:${id}`, 'utf8').toString('base64url');
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
