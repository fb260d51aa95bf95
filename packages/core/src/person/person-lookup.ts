import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import { canSee } from '../auth/scope-guard.js';
import type { GongzhiContext } from '../context.js';
import { loadById } from '../graphql/loaders.js';
import { localId } from '../relay/global-id.js';
import { Person } from './person.entity.js';

/**
 * Loads the person an argument names; NOT_FOUND naming the argument otherwise. Given the
 * operation's context, a person the caller may not see is NOT_FOUND too.
 */
export async function requirePerson(emOrCtx: EntityManager | GongzhiContext, globalId: string, argument: string): Promise<Person> {
  const ctx = 'placeRules' in emOrCtx ? emOrCtx : null;
  const em = ctx ? ctx.em : (emOrCtx as EntityManager);
  const person = await em.findOne(Person, { uuid: localId(globalId, 'Person', argument) });
  if (!person || (ctx && !(await canSee(ctx, person)))) {
    throw new GraphQLError(`No person has the id given in "${argument}" (${globalId}).`, {
      extensions: { code: 'NOT_FOUND', argument },
    });
  }
  return person;
}

/** A person by uuid, batched across one operation (role holders, members…). */
export function loadPerson(ctx: GongzhiContext, uuid: string): Promise<Person | null> {
  return loadById(ctx, Person, uuid);
}
