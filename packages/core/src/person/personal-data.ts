import { type EntityMetadata, ReferenceKind } from '@mikro-orm/core';
import type { UnitOfWork } from '../command/command.js';
import { PluginCompositionError } from '../errors.js';
import { Person } from './person.entity.js';

/** What an erased person's name reads: the row stays, for the records that point at it. */
export const ERASED_NAME = '（已删除）';

/**
 * What an owner (core, a plugin) keeps about people, and how it forgets one when their personal
 * data is erased (`erasePersonalData`, the right to deletion of PIPL art. 47). The erasure runs
 * every owner's {@link erase} in one transaction with core's: all of it is forgotten, or nothing
 * changes. The person's row stays, pseudonymised (name {@link ERASED_NAME}, no phone, no
 * household), so records that must be kept (a ledger, service hours, votes) still add up.
 *
 * The host refuses to start when an entity with a relation to Person is missing from
 * {@link entities}: whoever adds such a relation says what erasure does to it. See
 * docs/personal-data.md.
 *
 * @example
 * ```ts
 * personalData: {
 *   entities: { Visit: 'the notes cleared; the visit itself kept (the grid's work record)' },
 *   async erase(uow, person) {
 *     return { Visit: await erasedRows(uow, `UPDATE ${t('visit')} SET notes = NULL WHERE resident_id = ?`, [person.uuid]) };
 *   },
 * },
 * ```
 */
export interface PersonalDataPolicy {
  /**
   * For each of the owner's entities that holds data about people (every one with a relation to
   * Person, and any that keeps a person's id or words in plain columns), by entity class name:
   * what erasing a person does to its rows, in one sentence that starts with it (`deleted`,
   * `kept: the ledger must balance; the account's holder is pseudonymised`). The erasure's
   * receipt shows it to whoever erased.
   */
  entities: Readonly<Record<string, string>>;
  /**
   * Deletes or clears the owner's data about `person` in the erasure's unit of work (`uow.em`,
   * or SQL on the owner's own tables). Runs before the person's row is pseudonymised, so it may
   * still read it. Returns how many rows it deleted or changed, by entity class name (an entity
   * left out counts none). Throw a domain error to refuse (nothing is erased then).
   */
  erase(uow: UnitOfWork, person: Readonly<Person>): Promise<Readonly<Record<string, number>>>;
}

/**
 * Runs one statement of an erasure in its unit of work and returns how many rows it deleted or
 * changed: what {@link PersonalDataPolicy.erase} reports for an entity.
 */
export async function erasedRows(uow: UnitOfWork, sql: string, params: readonly unknown[]): Promise<number> {
  return (await uow.em.execute<{ affectedRows: number }>(sql, [...params], 'run')).affectedRows;
}

/**
 * A policy with its owner (`core`, a plugin id), as the erasure runs them.
 *
 * @internal
 */
export interface PersonalDataHolder {
  owner: string;
  policy: PersonalDataPolicy;
}

/** Properties of `meta` that point at a person (`Visit.resident`). */
function personRelations(meta: EntityMetadata): string[] {
  return meta.relations
    .filter((prop) => prop.kind !== ReferenceKind.SCALAR && (prop.targetMeta?.class === Person || prop.type === Person.name))
    .map((prop) => `${meta.className}.${prop.name}`);
}

/**
 * Checks at start-up that each owner's policy names every entity of its own with a relation to
 * Person, and no entity that is not its own (a misspelt name would hide a missing one).
 *
 * @internal
 */
export function checkPersonalDataPolicies(
  owners: readonly { owner: string; entities: readonly EntityMetadata[]; policy: PersonalDataPolicy | undefined }[],
): void {
  for (const { owner, entities, policy } of owners) {
    const declared = policy?.entities ?? {};
    const fix = `Fix: say in the personalData.entities of ${owner} what erasing a person does to its rows ('deleted', 'the notes cleared', 'kept: why'), and clear or delete them in personalData.erase (docs/personal-data.md).`;
    for (const meta of entities) {
      const relations = personRelations(meta);
      if (relations.length && !(meta.className in declared)) {
        throw new PluginCompositionError(
          `${relations.join(', ')} of ${owner} ${relations.length > 1 ? 'point' : 'points'} at a person, but ${owner} does not say what erasing a person does to ${meta.className}. ${fix}`,
        );
      }
    }
    const own = new Set(entities.map((meta) => meta.className));
    const unknown = Object.keys(declared).filter((name) => !own.has(name));
    if (unknown.length) {
      throw new PluginCompositionError(
        `The personalData.entities of ${owner} name ${unknown.join(', ')}, which ${unknown.length > 1 ? 'are not entities' : 'is not an entity'} of ${owner}. Fix: name the entity classes ${owner} declares (${[...own].join(', ') || 'none'}).`,
      );
    }
  }
}
