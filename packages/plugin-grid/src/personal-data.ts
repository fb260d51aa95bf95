import { erasedRows, Person, type PersonalDataPolicy, refId } from '@gongzhi/core';
import { lockColourOf } from './attention/attention.queries.js';
import { t } from './db.js';

/**
 * What the grid keeps about people, and how it forgets one (`erasePersonalData`, PIPL art. 47).
 * Deleted: the person's grid assignments, little-bee registrations and reports (where they
 * stood), and, when they lived alone, the colour marks on their household (their reasons describe
 * its people). Cleared: what a visit where they were met (or, when they lived alone, any visit to
 * their household) says (its notes, its checks' notes, them among the people met). A household
 * others still live in keeps its marks and visits: they are the grid's care for those residents. Kept, pointing at the pseudonymised person: the
 * visits as the grid's work record, their findings, the meetings' minutes, and what the person
 * did as a worker or as staff.
 */
export const gridPersonalData: PersonalDataPolicy = {
  entities: {
    GridWorker: 'deleted: the person works in no grid any more (as with core roles); the visits they made stay',
    GridVisit:
      "the notes and the checks' notes cleared, and the person taken off the people met, on visits where they were met (and on every visit to their household when they lived alone); kept as the grid's work record (coverage, workload), the visiting worker showing the pseudonymised row",
    GridFinding:
      "kept as the grid's work record, like the requests findings open (core keeps those): the weekly hand-off lists them, and a description is required, so it cannot be cleared",
    GridAttentionMark:
      "deleted on the person's household when they lived alone, its colour with them: the reasons describe its people (a household others still live in keeps its marks, for their care); marks the person set as a worker are kept and show the pseudonymised row",
    GridMeeting: "kept as the minutes of the grid's weekly meeting; who recorded one shows the pseudonymised row",
    GridReporter:
      "deleted, with their reports: the person's little-bee registrations (their job and employer); registrations they made as staff are kept",
    GridReport:
      'deleted: where the person stood when they reported (coordinates, location note); the requests the reports opened stay (core keeps them)',
  },
  async erase(uow, person) {
    const id = person.uuid;
    // What describes the household goes only with its last resident: the others' care stays.
    const home = refId(person.household);
    const household = home && (await uow.em.count(Person, { household: home, uuid: { $ne: id }, erasedAt: null })) === 0 ? home : null;
    if (household) await lockColourOf(uow, household); // no colour set on it meanwhile on top of a deleted one
    return {
      GridWorker: await erasedRows(uow, `DELETE FROM ${t('grid_worker')} WHERE person_id = ?`, [id]),
      GridVisit: await erasedRows(
        uow,
        `UPDATE ${t('grid_visit')} v
            SET notes = NULL,
                met_person_ids = v.met_person_ids - ?::text,
                checks = (SELECT coalesce(jsonb_agg(e.item || jsonb_build_object('note', NULL) ORDER BY e.n), '[]')
                            FROM jsonb_array_elements(v.checks) WITH ORDINALITY AS e(item, n))
          WHERE v.met_person_ids @> jsonb_build_array(?::text) OR v.household_id = ?`,
        [id, id, household],
      ),
      GridAttentionMark: household ? await erasedRows(uow, `DELETE FROM ${t('attention_mark')} WHERE place_id = ?`, [household]) : 0,
      GridReport: await erasedRows(uow, `DELETE FROM ${t('reporter_report')} WHERE person_id = ?`, [id]),
      GridReporter: await erasedRows(uow, `DELETE FROM ${t('reporter')} WHERE person_id = ?`, [id]),
    };
  },
};
