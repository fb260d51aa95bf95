import {
  actingPerson,
  expectRow,
  type GongzhiContext,
  loadByForeignKey,
  loadById,
  Person,
  Place,
  refId,
  requireEntity,
  requirePlace,
  requireVisible,
  userError,
} from '@gongzhi/core';
import { Arg, Ctx, Field, FieldResolver, ID, InputType, Int, Mutation, Resolver, Root } from 'type-graphql';
import { VolunteerApplication, VolunteerRecruitment } from './recruitment.entity.js';
import { VolunteerTeam } from './team.entity.js';
import { VolunteerApplicationStatus, VolunteerMemberRole } from './volunteer.enums.js';
import { cleanSkills, inTransaction, localDate, requireLeader, requireText, sql, type Tx } from './volunteer.support.js';
import { t } from './db.js';

@InputType({ description: "A team's call for volunteers." })
export class PostVolunteerRecruitmentInput {
  @Field(() => ID)
  teamId!: string;

  @Field(() => String)
  title!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => ID, { description: 'Where the volunteers are needed.' })
  placeId!: string;

  @Field(() => Int, { description: 'How many volunteers are wanted (1–10000).' })
  wanted!: number;

  @Field(() => [String], { nullable: true })
  skills?: string[] | null;

  @Field(() => Date, { description: 'Sign-ups close at this time (in the future).' })
  openUntil!: Date;
}

function announce(tx: Tx, application: VolunteerApplication) {
  return tx.emit('volunteer.application-changed', {
    applicationId: application.uuid,
    recruitmentId: refId(application.recruitment)!,
    personId: refId(application.person)!,
    status: application.status,
  });
}

/**
 * Recruitment: a team posts a call; people sign up; a leader accepts or declines. Seats are
 * counted on the call row (`accepted`, checked `<= wanted` by the database) and taken by a
 * conditional update, so two leaders accepting at once can never overfill a call. Sign-ups
 * after the call is full go to the waitlist; when an accepted volunteer withdraws, the
 * earliest waitlisted one moves back to PENDING for the leader to decide.
 */
@Resolver(() => VolunteerRecruitment)
export class VolunteerRecruitmentResolver {
  @Mutation(() => VolunteerRecruitment, { description: "Posts a team's call for volunteers (leaders only)." })
  async postVolunteerRecruitment(
    @Arg('input', () => PostVolunteerRecruitmentInput) input: PostVolunteerRecruitmentInput,
    @Ctx() ctx: GongzhiContext,
  ): Promise<VolunteerRecruitment> {
    const actor = await actingPerson(ctx);
    const title = requireText(input.title, 'input.title');
    if (!Number.isInteger(input.wanted) || input.wanted < 1 || input.wanted > 10000) {
      throw userError('BAD_USER_INPUT', `"input.wanted" must be a whole number from 1 to 10000, got ${input.wanted}.`, 'input.wanted');
    }
    if (input.openUntil.getTime() <= ctx.now().getTime()) {
      throw userError(
        'BAD_USER_INPUT',
        `"input.openUntil" must be in the future; it is ${input.openUntil.toISOString()}.`,
        'input.openUntil',
      );
    }
    return inTransaction(ctx, async ({ em, emit }) => {
      const team = await requireEntity(em, VolunteerTeam, 'VolunteerTeam', input.teamId, 'input.teamId');
      await requireLeader(em, team, actor, 'post a recruitment call');
      const place = await requirePlace(em, input.placeId, 'input.placeId');
      const call = em.create(VolunteerRecruitment, {
        team,
        place,
        title,
        description: input.description?.trim() ?? '',
        wanted: input.wanted,
        skills: cleanSkills(input.skills),
        openUntil: input.openUntil,
        createdAt: ctx.now(),
      });
      await em.flush();
      await emit('volunteer.recruitment-posted', { recruitmentId: call.uuid, teamId: team.uuid, placePath: place.path });
      return call;
    });
  }

  @Mutation(() => VolunteerApplication, {
    description: 'Signs the signed-in person up for a call: PENDING while seats remain, WAITLISTED when full.',
  })
  async signUpForVolunteerRecruitment(
    @Arg('recruitmentId', () => ID) recruitmentId: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<VolunteerApplication> {
    // Outside the caller's places the row does not exist (issue #9); checked before the transaction takes its connection.
    await requireVisible(ctx, ctx.em, VolunteerRecruitment, 'VolunteerRecruitment', recruitmentId, 'recruitmentId');
    const person = await actingPerson(ctx);
    return inTransaction(ctx, async (tx) => {
      const call = await requireEntity(tx.em, VolunteerRecruitment, 'VolunteerRecruitment', recruitmentId, 'recruitmentId');
      if (call.openUntil.getTime() <= ctx.now().getTime()) {
        throw userError('RECRUITMENT_CLOSED', `Sign-ups for "${call.title}" closed at ${call.openUntil.toISOString()}.`, 'recruitmentId');
      }
      if (await tx.em.count(VolunteerApplication, { recruitment: call, person })) {
        throw userError('CONFLICT', `${person.name} has already signed up for "${call.title}".`, 'recruitmentId');
      }
      // Read the seats under a share lock: a leader's accept (which locks the row to take a seat)
      // either finished before, and we see it, or waits for us and then waitlists us with the rest.
      const seats = expectRow(
        await sql<{ accepted: number; wanted: number }>(tx.em, `SELECT accepted, wanted FROM ${t('recruitment')} WHERE id = ? FOR SHARE`, [
          call.uuid,
        ]),
        `recruitment ${call.uuid}`,
      );
      const status =
        Number(seats.accepted) < Number(seats.wanted) ? VolunteerApplicationStatus.PENDING : VolunteerApplicationStatus.WAITLISTED;
      const application = tx.em.create(VolunteerApplication, { recruitment: call, person, status, createdAt: ctx.now() });
      await tx.em.flush();
      await announce(tx, application);
      return application;
    });
  }

  @Mutation(() => VolunteerApplication, {
    description:
      'A leader accepts (the person joins the team) or declines (with a reason) a pending or waitlisted application. Accepting when the call is full fails with RECRUITMENT_FULL.',
  })
  async decideVolunteerApplication(
    @Arg('applicationId', () => ID) applicationId: string,
    @Arg('accept', () => Boolean) accept: boolean,
    @Arg('reason', () => String, { nullable: true, description: 'Required when declining.' }) reason: string | null | undefined,
    @Ctx() ctx: GongzhiContext,
  ): Promise<VolunteerApplication> {
    const actor = await actingPerson(ctx);
    if (!accept && !reason?.trim())
      throw userError('BAD_USER_INPUT', '"reason" is required when declining: say why, so the applicant knows.', 'reason');
    return inTransaction(ctx, async (tx) => {
      const { em } = tx;
      const application = await requireEntity(em, VolunteerApplication, 'VolunteerApplication', applicationId, 'applicationId');
      const call = await em.findOneOrFail(VolunteerRecruitment, { uuid: refId(application.recruitment)! });
      const team = await em.findOneOrFail(VolunteerTeam, { uuid: refId(call.team)! });
      await requireLeader(em, team, actor, 'decide applications');
      if (application.status !== VolunteerApplicationStatus.PENDING && application.status !== VolunteerApplicationStatus.WAITLISTED) {
        throw userError(
          'ALREADY_DECIDED',
          `This application is already ${application.status}; only pending or waitlisted ones are decided.`,
          'applicationId',
        );
      }
      if (accept) {
        // Take a seat only while one is free: of two concurrent accepts for the last seat, one wins.
        const seat = await sql(
          em,
          `UPDATE ${t('recruitment')} SET accepted = accepted + 1 WHERE id = ? AND accepted < wanted RETURNING accepted, wanted`,
          [call.uuid],
        );
        if (seat.length === 0) {
          throw userError(
            'RECRUITMENT_FULL',
            `"${call.title}" already has all ${call.wanted} volunteers it wanted; the application stays on the waitlist until someone withdraws.`,
            'applicationId',
          );
        }
        const { accepted, wanted } = seat[0] as { accepted: number; wanted: number };
        const person = await em.findOneOrFail(Person, { uuid: refId(application.person)! });
        await sql(
          em,
          `INSERT INTO ${t('team_member')} (id, team_id, person_id, role, joined_on, skills) VALUES (gen_random_uuid(), ?, ?, ?, ?, ?::text[])
           ON CONFLICT (team_id, person_id) DO UPDATE SET left_on = NULL WHERE volunteer.team_member.left_on IS NOT NULL`,
          [
            team.uuid,
            person.uuid,
            VolunteerMemberRole.MEMBER,
            localDate(ctx.now()),
            `{${call.skills.map((s) => JSON.stringify(s)).join(',')}}`,
          ],
        );
        // The call just filled: everyone still pending waits.
        if (Number(accepted) >= Number(wanted)) {
          await sql(
            em,
            `UPDATE ${t('application')} SET status = 'waitlisted' WHERE recruitment_id = ? AND status = 'pending' AND id <> ?`,
            [call.uuid, application.uuid],
          );
        }
        await tx.emit('volunteer.member-joined', { teamId: team.uuid, personId: person.uuid, placePath: team.homePlacePath });
      }
      Object.assign(application, {
        status: accept ? VolunteerApplicationStatus.ACCEPTED : VolunteerApplicationStatus.DECLINED,
        reason: accept ? null : reason!.trim(),
        decidedBy: actor,
        decidedAt: ctx.now(),
      });
      await em.flush();
      await announce(tx, application);
      return application;
    });
  }

  @Mutation(() => VolunteerApplication, {
    description: 'The applicant withdraws; an accepted seat frees and the earliest waitlisted applicant becomes PENDING again.',
  })
  async withdrawVolunteerApplication(
    @Arg('applicationId', () => ID) applicationId: string,
    @Ctx() ctx: GongzhiContext,
  ): Promise<VolunteerApplication> {
    const actor = await actingPerson(ctx);
    return inTransaction(ctx, async (tx) => {
      const { em } = tx;
      const application = await requireEntity(em, VolunteerApplication, 'VolunteerApplication', applicationId, 'applicationId');
      if (refId(application.person) !== actor.uuid)
        throw userError('FORBIDDEN', 'Only the applicant withdraws an application.', 'applicationId');
      const was = application.status;
      if (was === VolunteerApplicationStatus.DECLINED || was === VolunteerApplicationStatus.WITHDRAWN) {
        throw userError('ALREADY_DECIDED', `This application is already ${was}.`, 'applicationId');
      }
      const changed = await sql(em, `UPDATE ${t('application')} SET status = 'withdrawn' WHERE id = ? AND status = ? RETURNING id`, [
        application.uuid,
        was,
      ]);
      if (changed.length === 0)
        throw userError('CONFLICT', 'This application changed meanwhile; reload it and try again.', 'applicationId');
      if (was === VolunteerApplicationStatus.ACCEPTED) {
        const callId = refId(application.recruitment)!;
        await sql(em, `UPDATE ${t('recruitment')} SET accepted = accepted - 1 WHERE id = ?`, [callId]);
        const promoted = await sql<{ id: string; person_id: string }>(
          em,
          `UPDATE ${t('application')} SET status = 'pending' WHERE id = (
             SELECT id FROM ${t('application')} WHERE recruitment_id = ? AND status = 'waitlisted' ORDER BY seq LIMIT 1 FOR UPDATE
           ) RETURNING id, person_id`,
          [callId],
        );
        for (const row of promoted) {
          await tx.emit('volunteer.application-changed', {
            applicationId: row.id,
            recruitmentId: callId,
            personId: row.person_id,
            status: 'pending',
          });
        }
      }
      await em.refresh(application);
      await announce(tx, application);
      return application;
    });
  }

  @FieldResolver(() => VolunteerTeam)
  async team(@Root() call: VolunteerRecruitment, @Ctx() ctx: GongzhiContext): Promise<VolunteerTeam> {
    return (await loadById(ctx, VolunteerTeam, refId(call.team)!))!;
  }

  @FieldResolver(() => Place)
  async place(@Root() call: VolunteerRecruitment, @Ctx() ctx: GongzhiContext): Promise<Place> {
    return (await loadById(ctx, Place, refId(call.place)!))!;
  }

  @FieldResolver(() => [VolunteerApplication], { description: 'Every application, in sign-up order.' })
  applications(@Root() call: VolunteerRecruitment, @Ctx() ctx: GongzhiContext): Promise<VolunteerApplication[]> {
    return loadByForeignKey(ctx, VolunteerApplication, 'recruitment', call.uuid, { seq: 'asc' });
  }

  @FieldResolver(() => [VolunteerApplication], { description: 'The waitlist, first in line first.' })
  async waitlist(@Root() call: VolunteerRecruitment, @Ctx() ctx: GongzhiContext): Promise<VolunteerApplication[]> {
    return (await this.applications(call, ctx)).filter((a) => a.status === VolunteerApplicationStatus.WAITLISTED);
  }
}

@Resolver(() => VolunteerApplication)
export class VolunteerApplicationResolver {
  @FieldResolver(() => Person)
  async person(@Root() application: VolunteerApplication, @Ctx() ctx: GongzhiContext): Promise<Person> {
    return (await loadById(ctx, Person, refId(application.person)!))!;
  }

  @FieldResolver(() => VolunteerRecruitment)
  async recruitment(@Root() application: VolunteerApplication, @Ctx() ctx: GongzhiContext): Promise<VolunteerRecruitment> {
    return (await loadById(ctx, VolunteerRecruitment, refId(application.recruitment)!))!;
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
