import type { Council } from './council.entity.js';

/**
 * What every council event carries: the council and the materialized path of its community,
 * so boards scoped to a place can follow it. Each aggregate declares its own events on core's
 * event map (`meeting.events.ts`, `proposal.events.ts`, `poll.events.ts`, `decision.events.ts`).
 */
export interface CouncilEventPayload {
  councilId: string;
  /** The council's community `path`. */
  placePath: string;
}

/** The part every council event starts with (the council's community loaded). */
export function councilEventBase(council: Council): CouncilEventPayload {
  return { councilId: council.uuid, placePath: council.community.path };
}
