import { defineCommand, type Named, type Organization, PlaceType, requireIsoDate } from '@gongzhi/core';
import type { Grid } from '../grid/grid.entity.js';
import { communityOf } from '../grid/grid.queries.js';
import { GridPermission } from '../permissions.js';
import { GridAdoption } from './adoption.entity.js';

/**
 * Records that a partner unit adopts a grid (共建单位认领网格): its members then see (gridWork)
 * and take (claimGridRequest) the grid's requests. One open adoption per unit and grid (the
 * database keeps it: CONFLICT).
 */
export const adoptGrid = defineCommand<
  { grid: Named<Grid>; organization: Named<Organization>; startsOn: string; note?: string | null },
  GridAdoption
>({
  name: 'grid.adopt',
  links: {
    organization: {
      to: 'grid',
      widen: {
        to: PlaceType.SUBDISTRICT,
        reason:
          'Partner units (共建单位, 驻区单位) are the companies, schools and offices of the subdistrict: one sitting in a neighbouring community may adopt this grid.',
      },
    },
  },
  async run(uow, { grid, organization, startsOn, note }) {
    const from = requireIsoDate(startsOn, 'startsOn');
    const { path: placePath } = await communityOf(uow, grid);
    uow.actor.authorize(GridPermission.MANAGE, placePath);
    const adoption = uow.em.create(GridAdoption, { grid, organization, startsOn: from, note: note?.trim() || null });
    await uow.em.flush();
    await uow.emit('grid.adopted', { gridId: grid.uuid, placePath, organizationId: organization.uuid, adoptionId: adoption.uuid });
    return adoption;
  },
});
