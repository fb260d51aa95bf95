import type { EntityManager } from '@mikro-orm/postgresql';
import { GraphQLError } from 'graphql';
import type { GongzhiContext } from '../context.js';
import { loadById } from '../graphql/loaders.js';
import { localId } from '../relay/global-id.js';
import { Person } from './person.entity.js';

/** Loads the person an argument names; NOT_FOUND naming the argument otherwise. */
export async function requirePerson(em: EntityManager, globalId: string, argument: string): Promise<Person> {
  const person = await em.findOne(Person, { uuid: localId(globalId, 'Person', argument) });
  if (!person) {
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
