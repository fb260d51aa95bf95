import { Arg, Ctx, Field, ID, InputType, Int, Mutation, ObjectType, Resolver } from 'type-graphql';
import { perform } from '../command/command.js';
import { payloadType } from '../command/payload.js';
import { type Ref, RefField } from '../command/reference.js';
import type { GongzhiContext } from '../context.js';
import { toGlobalId } from '../relay/global-id.js';
import { BoundedList } from '../graphql/bounded-list.js';
import { type Erasure, erasePersonalData } from './erasure.js';
import { Person } from './person.entity.js';

@InputType({ description: "Whose personal data to erase, and why (the person's request)." })
class ErasePersonalDataInput {
  @RefField(() => Person)
  personId!: Ref<Person>;

  @Field(() => String, { description: "Why, for the record: the person's request and its date (1 to 500 characters)." })
  reason!: string;
}

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

export const PersonalDataErasurePayload = payloadType('PersonalDataErasurePayload', 'erasure', () => PersonalDataErasure);

@Resolver()
export class ErasureResolver {
  @Mutation(() => PersonalDataErasurePayload, {
    description:
      "Erases a person's personal data on their request (PIPL art. 47), in one transaction: what core and every plugin hold about them is deleted or cleared, and the person's row stays pseudonymised for the records that must be kept. Needs personal-data.erase at every place the person belongs to.",
  })
  erasePersonalData(@Arg('input', () => ErasePersonalDataInput) input: ErasePersonalDataInput, @Ctx() ctx: GongzhiContext) {
    const command = erasePersonalData(ctx.personalData);
    return perform(ctx, PersonalDataErasurePayload, command, { person: input.personId, reason: input.reason }, (erasure: Erasure) => ({
      erasure: Object.assign(new PersonalDataErasure(), erasure),
    }));
  }
}
