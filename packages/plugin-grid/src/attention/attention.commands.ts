import { defineCommand, type Named, type Place, PlaceType } from '@gongzhi/core';
import { requireGridWorkerAt } from '../worker/worker.commands.js';
import { type GridAttentionLevel, GridAttentionMark } from './attention.entity.js';
import { currentLevel, lockColourOf, makeCurrent } from './attention.queries.js';
import { gridMessages } from '../messages.js';

/** The places the map colours. */
const COLOURABLE: readonly PlaceType[] = [PlaceType.HOUSEHOLD, PlaceType.BUILDING];

/**
 * Sets the colour of a household or building on the people's-conditions map (民情图), with a
 * reason; the previous colour stays in its history. By an active worker of the grid covering it.
 */
export const setGridAttentionLevel = defineCommand<{ place: Named<Place>; level: GridAttentionLevel; reason: string }, GridAttentionMark>({
  name: 'grid.setAttentionLevel',
  async run(uow, { place, level, reason }) {
    const me = await uow.actingPerson();
    const why = reason.trim();
    if (!why) {
      throw gridMessages.reasonEmptySayWhy.error('reason');
    }
    if (!COLOURABLE.includes(place.type)) {
      throw gridMessages.placeidHouseholdBuilding.error({ placeName: place.name, placeType: place.type }, 'placeId');
    }
    await requireGridWorkerAt(uow, place, me, 'placeId');
    await lockColourOf(uow, place.uuid);
    const previousLevel = await currentLevel(uow, place.uuid);
    const mark = uow.em.create(GridAttentionMark, {
      place,
      placePath: place.path,
      level,
      previousLevel,
      reason: why,
      setBy: me,
      setAt: uow.now(),
    });
    await uow.em.flush();
    await makeCurrent(uow, mark);
    await uow.emit('grid.attention-changed', { markId: mark.uuid, placeId: place.uuid, placePath: place.path, level, previousLevel });
    return mark;
  },
});
