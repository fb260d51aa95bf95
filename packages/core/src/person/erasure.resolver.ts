import { Arg, Ctx, Field, InputType, Mutation, Resolver } from 'type-graphql';
import { perform } from '../command/command.js';
import { payloadType } from '../command/payload.js';
import { type Ref, RefField } from '../command/reference.js';
import type { GongzhiContext } from '../context.js';
import { erasePersonalData } from './erasure.js';
import { PersonalDataErasure } from './erasure.types.js';
import { Person } from './person.entity.js';

@InputType({ description: "Whose personal data to erase, and why (the person's request)." })
class ErasePersonalDataInput {
  @RefField(() => Person)
  personId!: Ref<Person>;

  @Field(() => String, { description: "Why, for the record: the person's request and its date (1 to 500 characters)." })
  reason!: string;
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
    return perform(ctx, PersonalDataErasurePayload, command, { person: input.personId, reason: input.reason }, (erasure) => ({ erasure }));
  }
}
