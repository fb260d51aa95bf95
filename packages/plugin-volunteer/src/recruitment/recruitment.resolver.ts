import {
  type GongzhiContext,
  loadByForeignKey,
  pageSize,
  payloadType,
  perform,
  Place,
  type Ref,
  RefArg,
  RefField,
  requireRef,
} from '@gongzhi/core';
import { Arg, Ctx, Field, FieldResolver, InputType, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { VolunteerTeam } from '../team/team.entity.js';
import { decideApplication, postRecruitment, signUpForRecruitment, withdrawApplication } from './recruitment.commands.js';
import { VolunteerApplication, VolunteerApplicationStatus, VolunteerRecruitment } from './recruitment.entity.js';
import { applicationsOf, callsFor } from './recruitment.queries.js';

export const VolunteerRecruitmentPayload = payloadType('VolunteerRecruitmentPayload', 'recruitment', () => VolunteerRecruitment);
export const VolunteerApplicationPayload = payloadType('VolunteerApplicationPayload', 'application', () => VolunteerApplication);

@InputType({ description: "A team's call for volunteers." })
export class PostVolunteerRecruitmentInput {
  @RefField(() => VolunteerTeam)
  teamId!: Ref<VolunteerTeam>;

  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @RefField(() => Place, { description: "Where the volunteers are needed, within the team's community." })
  placeId!: Ref<Place>;

  @Field(() => Int, { description: 'How many volunteers are wanted (1–10000).' })
  wanted!: number;

  @Field(() => [String], { nullable: true })
  skills?: string[] | null;

  @Field(() => Date, { description: 'Sign-ups close at this time (in the future).' })
  openUntil!: Date;
}

@Resolver(() => VolunteerRecruitment)
export class VolunteerRecruitmentResolver {
  @Query(() => [VolunteerRecruitment], {
    description:
      "Recruitment calls for the people of a place: posted at the place or at any place above it (a resident asks with her household: her building's, compound's and community's calls), closing soonest first. Open calls only unless includeClosed.",
  })
  async volunteerRecruitments(
    @RefArg('placeId', () => Place) placeId: Ref<Place>,
    @Arg('includeClosed', () => Boolean, { defaultValue: false }) includeClosed: boolean,
    @Arg('first', () => Int, { defaultValue: 50 }) first: number,
    @Ctx() ctx: GongzhiContext,
  ): Promise<VolunteerRecruitment[]> {
    const place = await requireRef(ctx, placeId);
    return callsFor(ctx, place.path, { openAt: includeClosed ? null : ctx.now(), first: pageSize(first, 50) });
  }

  @Mutation(() => VolunteerRecruitmentPayload, { description: "Posts a team's call for volunteers (leaders only)." })
  postVolunteerRecruitment(
    @Arg('input', () => PostVolunteerRecruitmentInput) input: PostVolunteerRecruitmentInput,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, VolunteerRecruitmentPayload, postRecruitment, {
      team: input.teamId,
      place: input.placeId,
      title: input.title,
      description: input.description ?? null,
      wanted: input.wanted,
      skills: input.skills ?? null,
      openUntil: input.openUntil,
    });
  }

  @Mutation(() => VolunteerApplicationPayload, {
    description: 'Signs the signed-in person up for a call: PENDING while seats remain, WAITLISTED when full.',
  })
  signUpForVolunteerRecruitment(
    @RefArg('recruitmentId', () => VolunteerRecruitment) call: Ref<VolunteerRecruitment>,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, VolunteerApplicationPayload, signUpForRecruitment, { call });
  }

  @Mutation(() => VolunteerApplicationPayload, {
    description:
      'A leader accepts (the person joins the team) or declines (with a reason) a pending or waitlisted application. Accepting when the call is full fails with RECRUITMENT_FULL.',
  })
  decideVolunteerApplication(
    @RefArg('applicationId', () => VolunteerApplication) application: Ref<VolunteerApplication>,
    @Arg('accept', () => Boolean) accept: boolean,
    @Arg('reason', () => String, { nullable: true, description: 'Required when declining.' }) reason: string | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, VolunteerApplicationPayload, decideApplication, { application, accept, reason });
  }

  @Mutation(() => VolunteerApplicationPayload, {
    description: 'The applicant withdraws; an accepted seat frees and the earliest waitlisted applicant becomes PENDING again.',
  })
  withdrawVolunteerApplication(
    @RefArg('applicationId', () => VolunteerApplication) application: Ref<VolunteerApplication>,
    @Ctx() ctx: GongzhiContext,
  ) {
    return perform(ctx, VolunteerApplicationPayload, withdrawApplication, { application });
  }

  @FieldResolver(() => [VolunteerApplication], { description: 'Every application, in sign-up order.' })
  applications(@Root() call: VolunteerRecruitment, @Ctx() ctx: GongzhiContext): Promise<VolunteerApplication[]> {
    return applicationsOf(ctx, call.uuid);
  }

  @FieldResolver(() => [VolunteerApplication], { description: 'The waitlist, first in line first.' })
  async waitlist(@Root() call: VolunteerRecruitment, @Ctx() ctx: GongzhiContext): Promise<VolunteerApplication[]> {
    return (await applicationsOf(ctx, call.uuid)).filter((a) => a.status === VolunteerApplicationStatus.WAITLISTED);
  }
}

/** Adds the recruitment calls to a team. */
@Resolver(() => VolunteerTeam)
export class VolunteerTeamRecruitmentsResolver {
  @FieldResolver(() => [VolunteerRecruitment], { description: "The team's recruitment calls, newest first." })
  recruitments(@Root() team: VolunteerTeam, @Ctx() ctx: GongzhiContext): Promise<VolunteerRecruitment[]> {
    return loadByForeignKey(ctx, VolunteerRecruitment, 'team', team.uuid, { createdAt: 'desc' });
  }
}
