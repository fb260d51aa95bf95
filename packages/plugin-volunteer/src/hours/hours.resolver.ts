import {
  ConnectionArgs,
  type ConnectionPage,
  connectionType,
  type GongzhiContext,
  payloadType,
  perform,
  Person,
  Place,
  type Ref,
  RefArg,
  RefField,
  requireRef,
} from '@gongzhi/core';
import { Arg, Args, Ctx, Field, InputType, Int, Mutation, Query, Resolver } from 'type-graphql';
import { VolunteerTeam } from '../team/team.entity.js';
import { correctHours, decideHours, reportHours } from './hours.commands.js';
import { VolunteerServiceEntry, VolunteerServiceStatus } from './hours.entity.js';
import { serviceEntries } from './hours.queries.js';

export const VolunteerServiceEntryPayload = payloadType('VolunteerServiceEntryPayload', 'entry', () => VolunteerServiceEntry);

const VolunteerServiceEntryConnection = connectionType(VolunteerServiceEntry);

@InputType({ description: 'Service hours reported by hand by the volunteer who served.' })
export class ReportVolunteerHoursInput {
  @RefField(() => Place, { description: 'The community (a place of type COMMUNITY) served.' })
  communityId!: Ref<Place>;

  @RefField(() => VolunteerTeam, {
    nullable: true,
    description: "The team served for (the reporter must be a member; the community must lie in the team's subdistrict).",
  })
  teamId?: Ref<VolunteerTeam> | null;

  @Field(() => String, { description: 'Day of service, YYYY-MM-DD, not in the future.' })
  servedOn!: string;

  @Field(() => Int, { description: 'Whole minutes, 1–1439.' })
  minutes!: number;

  @Field(() => String)
  description!: string;
}

/** Service hours: reporting by hand, verification by community staff, corrections. */
@Resolver(() => VolunteerServiceEntry)
export class VolunteerServiceEntryResolver {
  @Query(() => VolunteerServiceEntryConnection, {
    description: 'Service-hour entries, newest first, a page at a time: under a place (by community), of a person, of a status.',
  })
  async volunteerServiceEntries(
    @RefArg('under', () => Place, { nullable: true }) under: Ref<Place> | null | undefined,
    @RefArg('personId', () => Person, { nullable: true }) person: Ref<Person> | null | undefined,
    @Arg('status', () => VolunteerServiceStatus, { nullable: true }) status: VolunteerServiceStatus | null | undefined,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() ctx: GongzhiContext,
  ): Promise<ConnectionPage<VolunteerServiceEntry>> {
    const filter = {
      under: under ? await requireRef(ctx, under) : null,
      person: person ? await requireRef(ctx, person) : null,
      status,
    };
    return serviceEntries(ctx, filter, page);
  }

  @Mutation(() => VolunteerServiceEntryPayload, {
    description: 'The signed-in volunteer reports service hours by hand; they wait for verification.',
  })
  reportVolunteerHours(@Arg('input', () => ReportVolunteerHoursInput) input: ReportVolunteerHoursInput, @Ctx() ctx: GongzhiContext) {
    const { communityId, teamId, ...report } = input;
    return perform(ctx, VolunteerServiceEntryPayload, reportHours, { ...report, community: communityId, team: teamId ?? null });
  }

  @Mutation(() => VolunteerServiceEntryPayload, {
    description:
      "Community staff approve a pending entry; this emits `volunteer.service-verified` exactly once per entry. Verifying one's own hours fails with SELF_VERIFICATION; an entry already decided (a retry, or a concurrent call that lost) fails with ALREADY_VERIFIED and changes nothing.",
  })
  verifyVolunteerHours(@RefArg('entryId', () => VolunteerServiceEntry) entry: Ref<VolunteerServiceEntry>, @Ctx() ctx: GongzhiContext) {
    return perform(ctx, VolunteerServiceEntryPayload, decideHours, { entry, approve: true });
  }

  @Mutation(() => VolunteerServiceEntryPayload, {
    description: 'Community staff decline a pending entry, with a reason (same rules as verifying).',
  })
  declineVolunteerHours(
    @RefArg('entryId', () => VolunteerServiceEntry) entry: Ref<VolunteerServiceEntry>,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, VolunteerServiceEntryPayload, decideHours, { entry, approve: false, reason });
  }

  @Mutation(() => VolunteerServiceEntryPayload, {
    description:
      'Corrects an approved entry with a new CORRECTION entry of signed minutes (never an edit); it is verified like any entry. The corrected total never goes below zero.',
  })
  correctVolunteerHours(
    @RefArg('entryId', () => VolunteerServiceEntry) entry: Ref<VolunteerServiceEntry>,
    @Arg('minutes', () => Int, { description: 'Signed minutes to add (negative to remove), not 0.' }) minutes: number,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, VolunteerServiceEntryPayload, correctHours, { entry, minutes, reason });
  }
}
