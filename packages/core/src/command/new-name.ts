import { coreMessages } from '../i18n/core-messages.js';

/**
 * A new name given to an update (a person, a place, an organisation, a plugin's grid or team):
 * trimmed, or undefined when none was given (the name stays). A blank one is a BAD_USER_INPUT
 * error naming `field` that tells the client to leave the field out to keep the name.
 *
 * @example row.name = newName(input.name, 'input.name') ?? row.name;
 */
export function newName(name: string | null | undefined, field: string): string | undefined {
  if (name == null) return undefined;
  const trimmed = name.trim();
  if (!trimmed) throw coreMessages.nameEmptyLeaveOut.error({ field }, field);
  return trimmed;
}
