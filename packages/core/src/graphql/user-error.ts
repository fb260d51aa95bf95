import type { GongzhiContext } from '../context.js';
import { Person } from '../person/person.entity.js';
import { coreMessages } from '../i18n/core-messages.js';

/**
 * The person on whose behalf the operation runs (a signed-in person). Mutations that record
 * who did something take the actor from here, never from an argument a caller could forge.
 */
export async function actingPerson(ctx: GongzhiContext): Promise<Person> {
  const caller = ctx.caller;
  if (!caller || caller.kind !== 'person') {
    throw coreMessages.operationRecordsWhoDid.topLevel();
  }
  const person = await ctx.em.findOne(Person, { uuid: caller.id });
  if (!person) throw coreMessages.signedPersonLongerExists.topLevel();
  return person;
}
