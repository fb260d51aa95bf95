import { Field, ID, Int, ObjectType } from 'type-graphql';
import { BoundedList } from '../graphql/bounded-list.js';
import { toGlobalId } from '../relay/global-id.js';

@ObjectType({ description: 'What an erasure did to the rows of one entity: a line of its receipt.' })
export class ErasedRecords {
  @Field(() => String, { description: 'core, or the id of the plugin that keeps them.' })
  owner!: string;

  @Field(() => String, { description: 'The entity (CareProfile, Request, a plugin entity).' })
  entity!: string;

  @Field(() => Int, { description: 'Rows deleted or changed.' })
  rows!: number;

  @Field(() => String, { description: 'What the erasure does to these rows, as their owner declares it (deleted, cleared, kept and why).' })
  treatment!: string;
}

@ObjectType({ description: "The receipt of an erasure of a person's personal data." })
export class PersonalDataErasure {
  /** Uuid of the person. */
  personUuid!: string;

  @Field(() => ID, { description: 'The person (now pseudonymised: the row stays for the records that point at it).' })
  personId(): string {
    return toGlobalId('Person', this.personUuid);
  }

  @Field(() => Date)
  erasedAt!: Date;

  @BoundedList('one line per entity that holds data about people, fixed by the composed plugins')
  @Field(() => [ErasedRecords], {
    description:
      'Every entity that holds data about people, in the order they were erased (plugins, then core), with what was done to its rows.',
  })
  records!: ErasedRecords[];
}
