import { Permission } from '../auth/permission.js';
import { type Command, defineCommand, type Named, type UnitOfWork } from '../command/command.js';
import { coreMessages } from '../i18n/core-messages.js';
import { Person } from './person.entity.js';
import type {} from './person.events.js';
import { type ErasedRecords, PersonalDataErasure } from './erasure.types.js';
import { ERASED_NAME, erasedRows, type PersonalDataHolder, type PersonalDataPolicy } from './personal-data.js';

/** Longest reason an erasure records. */
const MAX_REASON = 500;

/**
 * Core's personal data. The person's row is pseudonymised by the erasure itself, after every
 * owner's `erase`; what stays points at that row, so it no longer names anybody.
 */
export const corePersonalData: PersonalDataPolicy = {
  entities: {
    CareProfile: 'deleted',
    PersonRole: 'deleted: the person holds no role any more',
    OrganizationMember: 'deleted',
    OrganizationFormerMember: 'deleted: the memberships the person had',
    Webhook: 'deleted, with its deliveries: webhooks the person owned',
    Request:
      "kept as the record of the service: the callback phone cleared on the person's requests; requester, assignee and praised person show the pseudonymised row",
    RequestTimelineEntry: 'kept (append-only): who changed a request shows the pseudonymised row',
    RequestPhoto: 'deleted: the photos the person added (they may show them or their home), with the pictures uploaded for them',
    PhotoUpload: 'deleted: the pictures the person uploaded, and the photos showing them',
    SensitiveAccessLogEntry:
      "kept (append-only) for the log's retention period: who read whose sensitive data, for auditors; a reader is named as they were then, a subject by the pseudonymised row",
    AuditLogEntry:
      "kept (append-only) for the log's retention period: who changed what, for auditors, each actor named as they were then; the erasure's own entry holds no erased value",
  },
  async erase(uow, person) {
    const id = person.uuid;
    return {
      CareProfile: await erasedRows(uow, 'DELETE FROM care_profile WHERE person_id = ?', [id]),
      PersonRole: await erasedRows(uow, 'DELETE FROM person_role WHERE person_id = ?', [id]),
      OrganizationMember: await erasedRows(uow, 'DELETE FROM organization_member WHERE person_id = ?', [id]),
      OrganizationFormerMember: await erasedRows(uow, 'DELETE FROM organization_former_member WHERE person_id = ?', [id]),
      Webhook: await erasedRows(uow, "DELETE FROM webhook WHERE owner_kind = 'person' AND owner_id = ?", [id]),
      RequestPhoto: await photosErased(uow, id),
      PhotoUpload: await erasedRows(uow, 'DELETE FROM photo_upload WHERE owner_id = ?', [id]),
      Request: await erasedRows(uow, 'UPDATE request SET callback_phone = NULL WHERE requester_id = ? AND callback_phone IS NOT NULL', [
        id,
      ]),
    };
  },
};

/** Deletes the photos a person added and the uploaded pictures they showed; how many photos went. */
async function photosErased(uow: UnitOfWork, personId: string): Promise<number> {
  const [row] = await uow.em.execute<{ n: number }[]>(
    `WITH gone AS (DELETE FROM request_photo WHERE added_by_id = ? RETURNING upload_id),
          pictures AS (DELETE FROM photo_upload WHERE id IN (SELECT upload_id FROM gone WHERE upload_id IS NOT NULL))
     SELECT count(*)::int AS n FROM gone`,
    [personId],
  );
  return row?.n ?? 0;
}

/**
 * Erases a person's personal data (PIPL art. 47): every owner's {@link PersonalDataPolicy.erase}
 * (plugins first, dependents before what they depend on, then core's), then the person's row is
 * pseudonymised (name {@link ERASED_NAME}, no phone, no household, `erasedAt` set), all in one
 * transaction, and `person.erased` is emitted. The actor needs `personal-data.erase` at every
 * place the person belongs to (a person of no place: everywhere). The audit log records who
 * erased, when and why, and no erased value.
 */
export function erasePersonalData(
  holders: readonly PersonalDataHolder[],
): Command<{ person: Named<Person>; reason: string }, PersonalDataErasure> {
  return defineCommand({
    name: 'person.erasePersonalData',
    permission: Permission.PERSONAL_DATA_ERASE,
    lock: ['person'],
    readOnly: ['person'],
    async run(uow, { person, reason: given }) {
      const reason = given.trim();
      if (!reason || reason.length > MAX_REASON) throw coreMessages.erasureReason.error({ max: MAX_REASON }, 'input.reason');
      const places = await uow.em.execute<{ path: string; household: boolean }[]>(
        `SELECT path, id = (SELECT household_id FROM person WHERE id = ?) AS household FROM place
          WHERE id IN (SELECT household_id FROM person WHERE id = ? UNION SELECT place_id FROM person_role WHERE person_id = ?)`,
        [person.uuid, person.uuid, person.uuid],
      );
      if (places.length === 0 && !uow.actor.access.everywhere) throw coreMessages.erasePersonWithoutPlace.error('input.personId');
      for (const place of places) uow.actor.authorize(Permission.PERSONAL_DATA_ERASE, place.path);

      const records: ErasedRecords[] = [];
      for (const { owner, policy } of holders) {
        const counts = await policy.erase(uow, person);
        for (const [entity, treatment] of Object.entries(policy.entities))
          records.push({ owner, entity, rows: counts[entity] ?? 0, treatment });
      }
      const erasedAt = uow.now();
      await uow.em.flush(); // what the owners changed through the ORM, before the person's row
      await uow.em.execute('UPDATE person SET name = ?, phone = NULL, household_id = NULL, erased_at = ? WHERE id = ?', [
        ERASED_NAME,
        erasedAt,
        person.uuid,
      ]);
      const householdPath = places.find((place) => place.household)?.path ?? null;
      // The entry says that, when and why; never the values erased.
      uow.audit.record(
        Person,
        {
          id: person.uuid,
          operation: 'update',
          changes: { erasedAt: { before: null, after: erasedAt }, erasureReason: { before: null, after: reason } },
        },
        null,
        places.map((place) => place.path),
      );
      await uow.emit('person.erased', { personId: person.uuid, placePath: householdPath, erasedAt: erasedAt.toISOString() });
      return Object.assign(new PersonalDataErasure(), { personUuid: person.uuid, erasedAt, records });
    },
  });
}
