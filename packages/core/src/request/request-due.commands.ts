import { LockMode } from '@mikro-orm/core';
import { defineCommand } from '../command/command.js';
import { eventPayload } from './request.commands.js';
import { OPEN_STATUSES, Request } from './request.entity.js';

/**
 * Reminds of an open request's coming deadline (`request.due-soon`, 临期提醒) and records when
 * (`dueRemindedAt`), once per deadline: under the request's row lock, so of two rounds at once
 * the second finds it reminded. True when this run reminded it; false when it was finished,
 * reminded already, its deadline moved out of the window or passed, or it is gone.
 */
export const remindDueRequest = defineCommand<{ requestId: string; within: number }, boolean>({
  name: 'request.remindDue',
  async run(uow, { requestId, within }) {
    const request = await uow.em.findOne(Request, { uuid: requestId }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    const now = uow.now().getTime();
    const due = request?.dueAt?.getTime();
    if (!request || !due || request.dueRemindedAt || !OPEN_STATUSES.includes(request.status) || due <= now || due > now + within)
      return false;
    request.dueRemindedAt = uow.now();
    await uow.em.flush();
    await uow.emit('request.due-soon', {
      ...eventPayload(request),
      dueAt: new Date(due).toISOString(),
      assigneeId: request.assignee?.uuid ?? null,
      dispatchedToId: request.dispatchedTo?.uuid ?? null,
    });
    return true;
  },
});
