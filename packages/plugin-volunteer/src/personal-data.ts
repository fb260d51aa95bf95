import { erasedRows, type PersonalDataPolicy } from '@gongzhi/core';
import { serviceDay } from './calendar.js';
import { t } from './db.js';
import { volunteerMessages } from './messages.js';

/**
 * What the volunteer plugin keeps about people, and how an erasure (`erasePersonalData`) forgets
 * one. What exists only for the person (memberships, open sign-ups, applications, claims) goes;
 * the community's records of work done (pairings and visits, tasks, service hours) stay, pointing
 * at the pseudonymised person, with the free text about them cleared where the table allows it.
 * Refused (`LAST_LEADER`) while the person is the last leader of a team: nobody could lead it
 * after; another leader is added first (by a leader, or by staff holding `volunteer.teams.manage`),
 * as when a last leader leaves.
 */
export const volunteerPersonalData: PersonalDataPolicy = {
  entities: {
    VolunteerTeamMember: "deleted: the person's memberships, with their roles and skills (refused while they are a team's last leader)",
    VolunteerApplication:
      "deleted, except accepted ones: kept so that a call's count of accepted volunteers stays true, showing the pseudonymised applicant",
    VolunteerShiftSignup:
      "deleted unless checked in, an active one freeing its place on the shift; checked-in ones kept as the shift's attendance record, which service hours point at",
    VolunteerPairing:
      "ended today when still open (nothing more is logged about or by the person), the notes cleared on those that look after them; kept as the team's or volunteer's work record, showing the pseudonymised resident or volunteer",
    VolunteerPairingVisit:
      "the notes cleared on visits to the person; kept as the visitors' work record, a visit the person made showing the pseudonymised visitor",
    VolunteerTask:
      "the person's open claims released (the task is open again); kept as the record of the work: who opened, claimed or did it shows the pseudonymised row",
    VolunteerServiceEntry:
      'kept (append-only): verified hours are credited (moral bank) and must keep adding up; volunteer, reporter and verifier show the pseudonymised row',
  },
  async erase(uow, person) {
    const id = person.uuid;
    // Locked like a leader leaving (endVolunteerTeamMembership): of the two, the second sees the first done.
    await uow.em.execute(
      `SELECT id FROM ${t('team')} WHERE id IN (SELECT team_id FROM ${t('team_member')} WHERE person_id = ? AND role = 'leader' AND left_on IS NULL) FOR UPDATE`,
      [id],
    );
    const [led] = await uow.em.execute<{ name: string }[]>(
      `SELECT t.name FROM ${t('team_member')} m JOIN ${t('team')} t ON t.id = m.team_id
        WHERE m.person_id = ? AND m.role = 'leader' AND m.left_on IS NULL
          AND NOT EXISTS (SELECT 1 FROM ${t('team_member')} o
                           WHERE o.team_id = m.team_id AND o.role = 'leader' AND o.left_on IS NULL AND o.person_id <> m.person_id)
        ORDER BY t.name LIMIT 1`,
      [id],
    );
    if (led) throw volunteerMessages.lastLeaderErased.error({ teamName: led.name }, 'input.personId');

    // Active sign-ups free their places first (`taken` counts active sign-ups), then go with the cancelled ones.
    const freed = await uow.em.execute<{ id: string; shift_id: string; place_path: string }[]>(
      `SELECT su.id, su.shift_id, s.place_path FROM ${t('shift_signup')} su JOIN ${t('shift')} s ON s.id = su.shift_id
        WHERE su.person_id = ? AND su.cancelled_at IS NULL AND su.checked_in_at IS NULL ORDER BY s.starts_at, su.id`,
      [id],
    );
    await uow.em.execute(
      `UPDATE ${t('shift')} s SET taken = s.taken - g.n
         FROM (SELECT shift_id, count(*) AS n FROM ${t('shift_signup')}
                WHERE person_id = ? AND cancelled_at IS NULL AND checked_in_at IS NULL GROUP BY shift_id) g
        WHERE s.id = g.shift_id`,
      [id],
    );
    // Shift boards and rotas follow, as when the volunteer cancels.
    for (const signup of freed) {
      await uow.emit('volunteer.shift-changed', {
        signupId: signup.id,
        shiftId: signup.shift_id,
        personId: id,
        placePath: signup.place_path,
        change: 'cancelled',
      });
    }
    const released = await uow.em.execute<{ id: string; place_path: string; request_id: string | null }[]>(
      `UPDATE ${t('task')} SET status = 'open', claimed_by_id = NULL, claimed_at = NULL, updated_at = ?
        WHERE claimed_by_id = ? AND status = 'claimed' RETURNING id, place_path, request_id`,
      [uow.now(), id],
    );
    // Live task boards follow, as when the volunteer releases a task.
    for (const task of released) {
      await uow.emit('volunteer.task-released', {
        taskId: task.id,
        placePath: task.place_path,
        status: 'open',
        requestId: task.request_id,
        claimedById: null,
      });
    }
    return {
      VolunteerTeamMember: await erasedRows(uow, `DELETE FROM ${t('team_member')} WHERE person_id = ?`, [id]),
      VolunteerApplication: await erasedRows(uow, `DELETE FROM ${t('application')} WHERE person_id = ? AND status <> 'accepted'`, [id]),
      VolunteerShiftSignup: await erasedRows(uow, `DELETE FROM ${t('shift_signup')} WHERE person_id = ? AND checked_in_at IS NULL`, [id]),
      // Care of the person, and by them, ends today: nothing more is logged about them or as done by them.
      VolunteerPairing: await erasedRows(
        uow,
        `UPDATE ${t('pairing')}
            SET ends_on = coalesce(ends_on, greatest(starts_on, ?::date)), notes = CASE WHEN resident_id = ? THEN NULL ELSE notes END
          WHERE (resident_id = ? AND (notes IS NOT NULL OR ends_on IS NULL)) OR (volunteer_id = ? AND ends_on IS NULL)`,
        [serviceDay(uow), id, id, id],
      ),
      VolunteerPairingVisit: await erasedRows(
        uow,
        `UPDATE ${t('pairing_visit')} SET note = '' WHERE note <> '' AND pairing_id IN (SELECT id FROM ${t('pairing')} WHERE resident_id = ?)`,
        [id],
      ),
      VolunteerTask: released.length,
    };
  },
};
