import { Permission } from '../auth/permission.js';
import { defineCommand, type Named } from '../command/command.js';
import { coreMessages } from '../i18n/core-messages.js';
import { PlaceType } from '../place/place.entity.js';
import { OPEN_STATUSES, type Request, Request as RequestEntity, RequestStatus } from './request.entity.js';
import { eventPayload, move, record } from './request.commands.js';

/**
 * Merges a request into another as its duplicate (重复件, 合并办理: five callers report the same
 * broken street lamp): `request.manage` at both. The duplicate is closed, pointing at the request
 * handled for all (`duplicateOf`), the merge on both timelines (`merged` on the duplicate,
 * `duplicate` on the other, with the note); its own duplicates follow it there. The duplicate must be open, the
 * other not rejected nor itself a duplicate, both in one community. Both rows are held from the
 * read to the commit, so a merge racing a merge the other way, or of the other request elsewhere,
 * waits and then sees what that one did: no chain of duplicates, no cycle.
 */
export const mergeDuplicateRequest = defineCommand<{ into: Named<Request>; request: Named<Request>; note?: string | null }, Request>({
  name: 'request.mergeDuplicate',
  lock: ['into', 'request'],
  links: {
    request: {
      to: 'into',
      widen: {
        to: PlaceType.COMMUNITY,
        reason: 'The same problem is reported from neighbouring buildings of one community (the street lamp outside both).',
      },
    },
  },
  async run(uow, { into, request, note }) {
    uow.actor.authorize(Permission.REQUEST_MANAGE, request.placePath);
    uow.actor.authorize(Permission.REQUEST_MANAGE, into.placePath);
    if (into.uuid === request.uuid) throw coreMessages.mergeIntoItself.error('intoId');
    if (!OPEN_STATUSES.includes(request.status)) throw coreMessages.mergeOnlyOpen.error({ requestStatus: request.status }, 'id');
    if (into.duplicateOf) throw coreMessages.mergeIntoDuplicate.error({ intoTitle: into.title }, 'intoId');
    if (into.status === RequestStatus.REJECTED) throw coreMessages.mergeIntoRejected.error({ intoTitle: into.title }, 'intoId');
    const why = note?.trim() || null;
    // The notes are the staff's words only: each requester reads their own timeline, and another's title may name them.
    const step = { action: 'merged', note: why };
    const from = request.status;
    await move(uow, request, RequestStatus.CLOSED, step, { duplicateOf: into });
    await record(uow, into, { action: 'duplicate', note: why });
    // Those merged into it before are duplicates of the same problem: they point where it does now.
    const followed = await uow.em.nativeUpdate(RequestEntity, { duplicateOf: request.uuid }, { duplicateOf: into.uuid });
    await uow.emit('request.merged', { ...eventPayload(request), from, intoId: into.uuid, followed, note: why });
    await uow.emit('request.updated', { ...eventPayload(into), change: 'duplicate' });
    return request;
  },
});
