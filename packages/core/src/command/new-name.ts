import { coreMessages } from '../i18n/core-messages.js';

/**
 * A new name given to an update (a person, a place, an organisation): trimmed, or undefined when
 * none was given (the name stays). A blank one is a BAD_USER_INPUT error naming `field`.
 */
export function newName(name: string | null | undefined, field: string): string | undefined {
  if (name == null) return undefined;
  const trimmed = name.trim();
  if (!trimmed) throw coreMessages.nameEmptyLeaveOut.error({ field }, field);
  return trimmed;
}
