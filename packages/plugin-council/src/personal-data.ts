import { erasedRows, type PersonalDataPolicy } from '@gongzhi/core';
import { t } from './db.js';

/**
 * What the council plugin keeps about people, and what erasing a person (`erasePersonalData`,
 * PIPL art. 47) does to it. A seat is the person's membership: it goes, unless it carries the
 * council's record (a ballot or an attendance, which a seat's deletion would cascade away); then
 * it is vacated, so that it no longer counts towards the votes it cannot cast.
 * Everything else is the record of the council's public work (who convened, attended, voted,
 * closed, decided, owns a share of the work; the residents' answers behind a poll's counts):
 * it stays, pointing at the person's pseudonymised row, which names nobody. The plugin keeps
 * no contact details, notes or sensitive marks about people.
 */
export const councilPersonalData: PersonalDataPolicy = {
  entities: {
    CouncilMember:
      "deleted when the person's seat never voted nor was recorded present; otherwise vacated (it no longer counts towards a vote) and kept with its ballots and attendance, held by the pseudonymised person",
    CouncilMeeting: 'kept as the record of the meeting: who convened it shows the pseudonymised person',
    CouncilAttendance: 'kept as the record of who was present: who recorded it shows the pseudonymised person',
    CouncilProposal: "kept: its outcome and tally are the council's record; who closed it shows the pseudonymised person",
    CouncilBallot:
      "kept: the votes are the council's record and add up to the proposals' tallies; who cast it shows the pseudonymised person",
    CouncilResidentPollAnswer: "kept: the answers must still add up to the poll's counts; the resident shows the pseudonymised person",
    CouncilDecision: "kept as the council's decision: who recorded it shows the pseudonymised person",
    CouncilActionItem:
      'kept as the share of the work the council assigned (it must have exactly one owner): the owner shows the pseudonymised person',
  },
  async erase(uow, person) {
    const seats = await erasedRows(
      uow,
      `DELETE FROM ${t('member')} m WHERE m.person_id = ?
          AND NOT EXISTS (SELECT 1 FROM ${t('ballot')} b WHERE b.member_id = m.id)
          AND NOT EXISTS (SELECT 1 FROM ${t('attendance')} a WHERE a.member_id = m.id)`,
      [person.uuid],
    );
    const vacated = await erasedRows(uow, `UPDATE ${t('member')} SET vacated_at = ? WHERE person_id = ? AND vacated_at IS NULL`, [
      uow.now(),
      person.uuid,
    ]);
    return { CouncilMember: seats + vacated };
  },
};
