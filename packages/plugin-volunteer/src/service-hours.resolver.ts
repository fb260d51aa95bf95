import {
  actingPerson,
  type GongzhiContext,
  loadById,
  pageSize,
  Person,
  Place,
  PlaceType,
  refId,
  requireEntity,
  requireIsoDate,
  requirePerson,
  requirePlace,
  userError,
} from '@gongzhi/core';
import type { FilterQuery } from '@mikro-orm/core';
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { VolunteerServiceEntry } from './service-entry.entity.js';
import { checkMinutes, ServiceHoursService } from './service-hours.service.js';
import { VolunteerTeam } from './team.entity.js';
import { VolunteerServiceSource, VolunteerServiceStatus } from './volunteer.enums.js';
import { activeMembership, inTransaction, localDate, requireText } from './volunteer.support.js';

@InputType({ description: 'Service hours reported by hand by the volunteer who served.' })
export class ReportVolunteerHoursInput {
  @Field(() => ID, { description: 'The community (a place of type COMMUNITY) served.' })
  communityId!: string;

  @Field(() => ID, { nullable: true, description: 'The team served for (the reporter must be a member).' })
  teamId?: string | null;

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
  @Query(() => [VolunteerServiceEntry], {
    description: 'Service-hour entries, newest first: under a place (by community), of a person, of a status.',
  })
  async volunteerServiceEntries(
    @Arg('under', () => ID, { nullable: true }) under: string | null | undefined,
    @Arg('personId', () => ID, { nullable: true }) personId: string | null | undefined,
    @Arg('status', () => VolunteerServiceStatus, { nullable: true }) status: VolunteerServiceStatus | null | undefined,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Ctx() ctx: GongzhiContext,
  ): Promise<VolunteerServiceEntry[]> {
    const where: FilterQuery<VolunteerServiceEntry> = {};
    if (under) where.communityPath = { $like: `${(await requirePlace(ctx, under, 'under')).path}%` };
    if (personId) where.person = await requirePerson(ctx, personId, 'personId');
    if (status) where.status = status;
    return ctx.em.find(VolunteerServiceEntry, where, { orderBy: { createdAt: 'desc', uuid: 'desc' }, limit: pageSize(first, 50) });
  }

  @Mutation(() => VolunteerServiceEntry, {
    description: 'The signed-in volunteer reports service hours by hand; they wait for verification.',
  })
  async reportVolunteerHours(
    @Arg('input', () => ReportVolunteerHoursInput) input: ReportVolunteerHoursInput,
    @Ctx() ctx: GongzhiContext,
  ): Promise<VolunteerServiceEntry> {
    // Outside the caller's places the row does not exist (issue #9); checked before the transaction takes its connection.
    await requirePlace(ctx, input.communityId, 'input.communityId', [PlaceType.COMMUNITY]);
    const person = await actingPerson(ctx);
    checkMinutes(input.minutes, 'input.minutes');
    const servedOn = requireIsoDate(input.servedOn, 'input.servedOn');
    const today = localDate(ctx.now());
    if (servedOn > today)
      throw userError(
        'BAD_USER_INPUT',
        `"input.servedOn" (${servedOn}) is in the future; report hours on or after the day served (today is ${today}).`,
        'input.servedOn',
      );
    const description = requireText(input.description, 'input.description');
    return inTransaction(ctx, async (tx) => {
      const community = await requirePlace(tx.em, input.communityId, 'input.communityId', [PlaceType.COMMUNITY]);
      let team: VolunteerTeam | null = null;
      if (input.teamId) {
        team = await requireEntity(tx.em, VolunteerTeam, 'VolunteerTeam', input.teamId, 'input.teamId');
        if (!(await activeMembership(tx.em, team, person)))
          throw userError(
            'NOT_TEAM_MEMBER',
            `${person.name} is not a member of ${team.name}; report without a team, or join it first.`,
            'input.teamId',
          );
      }
      return new ServiceHoursService(ctx).log(tx, {
        person,
        team,
        community,
        source: VolunteerServiceSource.MANUAL,
        minutes: input.minutes,
        servedOn,
        description,
        reportedBy: person,
      });
    });
  }

  @Mutation(() => VolunteerServiceEntry, {
    description:
      "Community staff approve a pending entry; this emits `volunteer.service-verified` exactly once per entry. Verifying one's own hours fails with SELF_VERIFICATION; an entry already decided (a retry, or a concurrent call that lost) fails with ALREADY_VERIFIED and changes nothing.",
  })
  async verifyVolunteerHours(@Arg('entryId', () => ID) entryId: string, @Ctx() ctx: GongzhiContext): Promise<VolunteerServiceEntry> {
    return new ServiceHoursService(ctx).decide(await actingPerson(ctx), entryId, true, null);
  }

  @Mutation(() => VolunteerServiceEntry, {
    description: 'Community staff decline a pending entry, with a reason (same rules as verifying).',
  })
  async declineVolunteerHours(
    @Arg('entryId', () => ID) entryId: string,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<VolunteerServiceEntry> {
    const text = requireText(reason, 'reason');
    return new ServiceHoursService(ctx).decide(await actingPerson(ctx), entryId, false, text);
  }

  @Mutation(() => VolunteerServiceEntry, {
    description:
      'Corrects an approved entry with a new CORRECTION entry of signed minutes (never an edit); it is verified like any entry. The corrected total never goes below zero.',
  })
  async correctVolunteerHours(
    @Arg('entryId', () => ID) entryId: string,
    @Arg('minutes', () => Int, { description: 'Signed minutes to add (negative to remove), not 0.' }) minutes: number,
    @Arg('reason', () => String) reason: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<VolunteerServiceEntry> {
    const text = requireText(reason, 'reason');
    return new ServiceHoursService(ctx).correct(await actingPerson(ctx), entryId, minutes, text);
  }

  @FieldResolver(() => Person)
  async person(@Root() entry: VolunteerServiceEntry, @Ctx() ctx: GongzhiContext): Promise<Person> {
    return (await loadById(ctx, Person, refId(entry.person)!))!;
  }

  @FieldResolver(() => VolunteerTeam, { nullable: true })
  team(@Root() entry: VolunteerServiceEntry, @Ctx() ctx: GongzhiContext): Promise<VolunteerTeam | null> | null {
    const id = refId(entry.team);
    return id ? loadById(ctx, VolunteerTeam, id) : null;
  }

  @FieldResolver(() => Place)
  async community(@Root() entry: VolunteerServiceEntry, @Ctx() ctx: GongzhiContext): Promise<Place> {
    return (await loadById(ctx, Place, refId(entry.community)!))!;
  }

  @FieldResolver(() => Person, { nullable: true })
  verifiedBy(@Root() entry: VolunteerServiceEntry, @Ctx() ctx: GongzhiContext): Promise<Person | null> | null {
    const id = refId(entry.verifiedBy);
    return id ? loadById(ctx, Person, id) : null;
  }

  @FieldResolver(() => VolunteerServiceEntry, { nullable: true, description: 'For a correction: the entry it corrects.' })
  correctsEntry(@Root() entry: VolunteerServiceEntry, @Ctx() ctx: GongzhiContext): Promise<VolunteerServiceEntry | null> | null {
    const id = refId(entry.correctsEntry);
    return id ? loadById(ctx, VolunteerServiceEntry, id) : null;
  }
}
