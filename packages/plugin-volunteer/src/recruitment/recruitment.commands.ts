import { defineCommand, type Named, type Place, placeSummary, PlaceType, refId, type UnitOfWork } from '@gongzhi/core';
import { serviceDay } from '../calendar.js';
import { t, updateIf } from '../db.js';
import { cleanSkills, requireText } from '../text.js';
import { VolunteerMemberRole, VolunteerTeam } from '../team/team.entity.js';
import { requireLeader } from '../team/team.queries.js';
import { VolunteerApplication, VolunteerApplicationStatus, VolunteerRecruitment } from './recruitment.entity.js';
import { seatsOf } from './recruitment.queries.js';
import { volunteerMessages, volunteerPhrases } from '../messages.js';

/**
 * Recruitment: a team posts a call; people sign up; a leader accepts or declines. Seats are
 * counted on the call row (`accepted`, checked `<= wanted` by the database) and taken by a
 * conditional update, so two leaders accepting at once can never overfill a call. Sign-ups
 * after the call is full go to the waitlist; when an accepted volunteer withdraws, the
 * earliest waitlisted one moves back to PENDING for the leader to decide.
 */

async function announce(uow: UnitOfWork, application: VolunteerApplication): Promise<void> {
  const recruitmentId = refId(application.recruitment)!;
  await uow.emit('volunteer.application-changed', {
    applicationId: application.uuid,
    recruitmentId,
    personId: refId(application.person)!,
    placePath: await callPlacePath(uow, recruitmentId),
    status: application.status,
  });
}

/** Where a call needs its volunteers, as a materialized path: who may see its applications' events. */
async function callPlacePath(uow: UnitOfWork, callId: string): Promise<string> {
  const [call] = await uow.em.execute<{ place_id: string }[]>(`SELECT place_id FROM ${t('recruitment')} WHERE id = ?`, [callId]);
  return (call && (await placeSummary(uow, call.place_id))?.path) ?? '';
}

/** A team's call for volunteers, as its leader posts it. */
export interface NewRecruitment {
  team: Named<VolunteerTeam>;
  place: Named<Place>;
  title: string;
  description?: string | null;
  wanted: number;
  skills?: string[] | null;
  openUntil: Date;
}

/** Posts a team's call for volunteers (leaders only). */
export const postRecruitment = defineCommand<NewRecruitment, VolunteerRecruitment>({
  name: 'volunteer.postRecruitment',
  links: {
    place: {
      to: 'team',
      widen: {
        to: PlaceType.COMMUNITY,
        reason: "A team recruits for work anywhere in its community, not only at its own building's door.",
      },
    },
  },
  async run(uow, input) {
    const actor = await uow.actingPerson();
    const title = requireText(input.title, 'input.title');
    if (!Number.isInteger(input.wanted) || input.wanted < 1 || input.wanted > 10000) {
      throw volunteerMessages.inputWantedWholeNumber.error({ wanted: input.wanted }, 'input.wanted');
    }
    if (input.openUntil.getTime() <= uow.now().getTime()) {
      throw volunteerMessages.inputOpenuntilFuture.error({ openUntil: input.openUntil.toISOString() }, 'input.openUntil');
    }
    await requireLeader(uow.em, input.team, actor, volunteerPhrases.postRecruitment, 'input.teamId');
    const call = uow.em.create(VolunteerRecruitment, {
      team: input.team,
      place: input.place,
      title,
      description: input.description?.trim() ?? '',
      wanted: input.wanted,
      skills: cleanSkills(input.skills),
      openUntil: input.openUntil,
      createdAt: uow.now(),
    });
    await uow.em.flush();
    await uow.emit('volunteer.recruitment-posted', { recruitmentId: call.uuid, teamId: input.team.uuid, placePath: input.place.path });
    return call;
  },
});

/** Signs the signed-in person up for a call: PENDING while seats remain, WAITLISTED when full. */
export const signUpForRecruitment = defineCommand<{ call: Named<VolunteerRecruitment> }, VolunteerApplication>({
  name: 'volunteer.signUpForRecruitment',
  async run(uow, { call }) {
    const person = await uow.actingPerson();
    if (call.openUntil.getTime() <= uow.now().getTime()) {
      throw volunteerMessages.signUpsClosed.error({ callTitle: call.title, openUntil: call.openUntil.toISOString() }, 'recruitmentId');
    }
    if (await uow.em.count(VolunteerApplication, { recruitment: call, person })) {
      throw volunteerMessages.alreadySignedUp.error({ personName: person.name, callTitle: call.title }, 'recruitmentId');
    }
    const seats = await seatsOf(uow.em, call.uuid);
    const status = seats.accepted < seats.wanted ? VolunteerApplicationStatus.PENDING : VolunteerApplicationStatus.WAITLISTED;
    const application = uow.em.create(VolunteerApplication, { recruitment: call, person, status, createdAt: uow.now() });
    await uow.em.flush();
    await announce(uow, application);
    return application;
  },
});

/**
 * Takes a seat of the call for the applicant and makes them a member of the team: of two
 * concurrent accepts for the last seat, one wins (RECRUITMENT_FULL for the other).
 */
async function acceptInto(
  uow: UnitOfWork,
  call: VolunteerRecruitment,
  team: VolunteerTeam,
  application: VolunteerApplication,
): Promise<void> {
  const seat = await uow.em.execute<{ accepted: number; wanted: number }[]>(
    `UPDATE ${t('recruitment')} SET accepted = accepted + 1 WHERE id = ? AND accepted < wanted RETURNING accepted, wanted`,
    [call.uuid],
  );
  if (!seat[0]) {
    throw volunteerMessages.alreadyAllVolunteersWanted.error({ callTitle: call.title, wanted: call.wanted }, 'applicationId');
  }
  const personId = refId(application.person)!;
  await uow.em.execute(
    `INSERT INTO ${t('team_member')} (id, team_id, person_id, role, joined_on, skills) VALUES (gen_random_uuid(), ?, ?, ?, ?, ?::text[])
     ON CONFLICT (team_id, person_id) DO UPDATE SET left_on = NULL WHERE ${t('team_member')}.left_on IS NOT NULL`,
    [team.uuid, personId, VolunteerMemberRole.MEMBER, serviceDay(uow), `{${call.skills.map((s) => JSON.stringify(s)).join(',')}}`],
  );
  // The call just filled: everyone still pending waits.
  if (Number(seat[0].accepted) >= Number(seat[0].wanted)) {
    await uow.em.execute(
      `UPDATE ${t('application')} SET status = 'waitlisted' WHERE recruitment_id = ? AND status = 'pending' AND id <> ?`,
      [call.uuid, application.uuid],
    );
  }
  await uow.emit('volunteer.member-joined', { teamId: team.uuid, personId, placePath: team.homePlacePath });
}

/** A leader accepts (the person joins the team) or declines (with a reason) a pending or waitlisted application. */
export const decideApplication = defineCommand<
  { application: Named<VolunteerApplication>; accept: boolean; reason?: string | null },
  VolunteerApplication
>({
  name: 'volunteer.decideApplication',
  async run(uow, { application, accept, reason }) {
    const actor = await uow.actingPerson();
    if (!accept && !reason?.trim()) {
      throw volunteerMessages.reasonRequiredWhenDeclining.error('reason');
    }
    const call = await uow.em.findOneOrFail(VolunteerRecruitment, { uuid: refId(application.recruitment)! });
    const team = await uow.em.findOneOrFail(VolunteerTeam, { uuid: refId(call.team)! });
    await requireLeader(uow.em, team, actor, volunteerPhrases.decideApplications, 'applicationId');
    if (application.status !== VolunteerApplicationStatus.PENDING && application.status !== VolunteerApplicationStatus.WAITLISTED) {
      throw volunteerMessages.applicationAlreadyOnlyPending.error({ applicationStatus: application.status }, 'applicationId');
    }
    const was = application.status;
    if (accept) await acceptInto(uow, call, team, application);
    // Conditional: a withdrawal or the call's close in the meantime wins, and this decision (its seat too) is undone.
    const decided = await updateIf(
      uow,
      VolunteerApplication,
      application,
      { status: was },
      {
        status: accept ? VolunteerApplicationStatus.ACCEPTED : VolunteerApplicationStatus.DECLINED,
        reason: accept ? null : reason!.trim(),
        decidedBy: actor,
        decidedAt: uow.now(),
      },
    );
    if (!decided) throw volunteerMessages.applicationChangedMeanwhileReload.error('applicationId');
    await announce(uow, application);
    return application;
  },
});

/**
 * A leader closes a call (enough volunteers came, or the need passed): sign-ups end now, and
 * every application still pending or waitlisted is declined with the reason, each announced.
 * Accepted volunteers stay. The call row is locked first, so a decision in flight either
 * finishes before (and counts) or finds its application declined and is undone.
 */
export const closeRecruitment = defineCommand<{ call: Named<VolunteerRecruitment>; reason: string }, VolunteerRecruitment>({
  name: 'volunteer.closeRecruitment',
  lock: ['call'],
  async run(uow, { call, reason }) {
    const team = await uow.em.findOneOrFail(VolunteerTeam, { uuid: refId(call.team)! });
    await requireLeader(uow.em, team, await uow.actingPerson(), volunteerPhrases.closeRecruitment, 'id');
    const why = requireText(reason, 'reason');
    if (call.openUntil.getTime() > uow.now().getTime()) {
      await updateIf(uow, VolunteerRecruitment, call, {}, { openUntil: uow.now() });
    }
    const undecided = await uow.em.find(VolunteerApplication, {
      recruitment: call,
      status: { $in: [VolunteerApplicationStatus.PENDING, VolunteerApplicationStatus.WAITLISTED] },
    });
    for (const application of undecided) {
      const done = await updateIf(
        uow,
        VolunteerApplication,
        application,
        { status: application.status },
        { status: VolunteerApplicationStatus.DECLINED, reason: why, decidedAt: uow.now() },
      );
      if (done) await announce(uow, application);
    }
    return call;
  },
});

/** Frees an accepted seat of a call and moves the first on its waitlist back to PENDING. */
async function freeSeat(uow: UnitOfWork, callId: string): Promise<void> {
  await uow.em.execute(`UPDATE ${t('recruitment')} SET accepted = accepted - 1 WHERE id = ?`, [callId]);
  const promoted = await uow.em.execute<{ id: string; person_id: string }[]>(
    `UPDATE ${t('application')} SET status = 'pending' WHERE id = (
       SELECT id FROM ${t('application')} WHERE recruitment_id = ? AND status = 'waitlisted' ORDER BY seq LIMIT 1 FOR UPDATE
     ) RETURNING id, person_id`,
    [callId],
  );
  for (const row of promoted) {
    await uow.emit('volunteer.application-changed', {
      applicationId: row.id,
      recruitmentId: callId,
      personId: row.person_id,
      placePath: await callPlacePath(uow, callId),
      status: 'pending',
    });
  }
}

/** The applicant withdraws; an accepted seat frees and the earliest waitlisted applicant becomes PENDING again. */
export const withdrawApplication = defineCommand<{ application: Named<VolunteerApplication> }, VolunteerApplication>({
  name: 'volunteer.withdrawApplication',
  async run(uow, { application }) {
    const actor = await uow.actingPerson();
    if (refId(application.person) !== actor.uuid) {
      throw volunteerMessages.onlyApplicantWithdrawsApplication.error('applicationId');
    }
    const was = application.status;
    if (was === VolunteerApplicationStatus.DECLINED || was === VolunteerApplicationStatus.WITHDRAWN) {
      throw volunteerMessages.applicationAlready.error({ was }, 'applicationId');
    }
    if (!(await updateIf(uow, VolunteerApplication, application, { status: was }, { status: VolunteerApplicationStatus.WITHDRAWN }))) {
      throw volunteerMessages.applicationChangedMeanwhileReload.error('applicationId');
    }
    // Announced in the order it happened: the withdrawal, then whom it moved up.
    await announce(uow, application);
    if (was === VolunteerApplicationStatus.ACCEPTED) await freeSeat(uow, refId(application.recruitment)!);
    return application;
  },
});
