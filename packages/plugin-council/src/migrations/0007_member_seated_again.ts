import type { Migration } from '@gongzhi/core';

/**
 * A person or an organisation holds one seat on a council at a time, not one ever: a seat vacated
 * (`vacateCouncilSeat`, or its holder's data erased) keeps its record, and its holder may be seated
 * again. The two unique indexes keep their names (the constraint messages follow them).
 */
export const memberSeatedAgain: Migration = {
  name: '0007_member_seated_again',
  up: `
    DROP INDEX council.member_person_unique;
    CREATE UNIQUE INDEX member_person_unique ON council.member (council_id, person_id) WHERE person_id IS NOT NULL AND vacated_at IS NULL;
    DROP INDEX council.member_organization_unique;
    CREATE UNIQUE INDEX member_organization_unique ON council.member (council_id, organization_id)
      WHERE organization_id IS NOT NULL AND vacated_at IS NULL;
  `,
};
