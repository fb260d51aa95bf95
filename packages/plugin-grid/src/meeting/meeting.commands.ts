import { defineCommand, type Named } from '@gongzhi/core';
import type { Grid } from '../grid/grid.entity.js';
import { communityOf } from '../grid/grid.queries.js';
import { today } from '../options.js';
import { GridPermission } from '../permissions.js';
import { isActiveWorker } from '../worker/worker.queries.js';
import { GridMeeting } from './meeting.entity.js';
import { gridMessages } from '../messages.js';

/**
 * Records that a grid's weekly meeting (周一网格议事会) was held, at `heldAt` (default now);
 * the next hand-off starts after it. By an active worker of the grid, or with grid.manage at its community.
 */
export const recordGridMeeting = defineCommand<{ grid: Named<Grid>; heldAt?: Date | null; notes?: string | null }, GridMeeting>({
  name: 'grid.recordMeeting',
  async run(uow, { grid, heldAt, notes }) {
    const at = heldAt ?? uow.now();
    if (at.getTime() > uow.now().getTime()) {
      throw gridMessages.heldatFutureRecordMeeting.error('heldAt');
    }
    const me = uow.actor.personId ? await uow.actingPerson() : null;
    // The grid's own workers hold its weekly meeting; others need grid.manage at the community.
    const { path: placePath } = await communityOf(uow, grid);
    if (!me || !(await isActiveWorker(uow, [grid.uuid], me.uuid, today(uow)))) {
      uow.actor.authorize(GridPermission.MANAGE, placePath);
    }
    const meeting = uow.em.create(GridMeeting, { grid, heldAt: at, notes: notes?.trim() || null, recordedBy: me, createdAt: uow.now() });
    await uow.em.flush();
    await uow.emit('grid.meeting-recorded', { meetingId: meeting.uuid, gridId: grid.uuid, placePath, heldAt: at.toISOString() });
    return meeting;
  },
});
