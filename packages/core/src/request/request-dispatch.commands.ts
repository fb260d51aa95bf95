import { Permission } from '../auth/permission.js';
import { defineCommand, type Named } from '../command/command.js';
import type { Organization } from '../organization/organization.entity.js';
import { type Request, RequestStatus } from './request.entity.js';
import { eventPayload, move } from './request.commands.js';
import { coreMessages } from '../i18n/core-messages.js';

/**
 * The three orders (三单制): a resident places an order (点单, `submitRequest`), the community
 * dispatches it to a partner unit (下单, {@link dispatchRequest}), and the unit's members take it
 * (接单, `claimRequest` as a member). A dispatched request is seen by the unit's members wherever
 * they live (the request's place rule names them), and only the requests given to their unit.
 */

/** Statuses a request can be dispatched from: new, or accepted and not yet taken. */
const DISPATCHABLE: readonly RequestStatus[] = [RequestStatus.SUBMITTED, RequestStatus.ACCEPTED];

/**
 * Dispatches a request to a partner unit (下单): needs `request.manage` at the request's place;
 * the unit must belong to the request's line of places (its community, or a subdistrict or
 * district above it). A new request is accepted by being dispatched; one dispatched but not yet
 * claimed may be dispatched again to another unit.
 */
export const dispatchRequest = defineCommand<{ request: Named<Request>; organization: Named<Organization>; note?: string | null }, Request>(
  {
    name: 'request.dispatch',
    lock: ['request'],
    links: { organization: { to: 'request' } },
    async run(uow, { request, organization, note }) {
      uow.actor.authorize(Permission.REQUEST_MANAGE, request.placePath);
      if (!DISPATCHABLE.includes(request.status)) {
        const taken = request.status === RequestStatus.CLAIMED || request.status === RequestStatus.ASSIGNED;
        throw (taken ? coreMessages.notDispatchableTaken : coreMessages.notDispatchable).error({ requestStatus: request.status }, 'id');
      }
      const step = { action: 'dispatched', note: note?.trim() ? `${organization.name}: ${note.trim()}` : organization.name };
      await move(uow, request, RequestStatus.ACCEPTED, step, { dispatchedTo: organization });
      await uow.emit('request.dispatched', { ...eventPayload(request), organizationId: organization.uuid });
      return request;
    },
  },
);
