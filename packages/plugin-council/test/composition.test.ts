import { referenceOf } from '@gongzhi/core';
import { createTestApp, type TestApp } from '@gongzhi/core/testing';
import { getNamedType, type GraphQLField, type GraphQLInputType, isInputObjectType, isObjectType } from 'graphql';
import plugin from '../src/index.js';

let app: TestApp | undefined;
afterAll(() => app?.close());

/** The council's mutations and the reference each of their ids is declared as, as the composed schema says. */
const REFERENCES: Record<string, Record<string, string>> = {
  createCouncil: { 'input.communityId': 'Place' },
  addCouncilMember: { councilId: 'Council', personId: 'Person', organizationId: 'Organization' },
  scheduleCouncilMeeting: { 'input.councilId': 'Council', 'input.placeId': 'Place' },
  recordCouncilAttendance: { meetingId: 'CouncilMeeting', memberIds: 'CouncilMember' },
  addCouncilAgendaItem: { 'input.meetingId': 'CouncilMeeting', 'input.requestId': 'Request', 'input.gridFindingId': 'Node' },
  recordCouncilMinutes: { agendaItemId: 'CouncilAgendaItem' },
  createCouncilProposal: { agendaItemId: 'CouncilAgendaItem' },
  castCouncilVote: { proposalId: 'CouncilProposal', memberId: 'CouncilMember' },
  changeCouncilVote: { proposalId: 'CouncilProposal', memberId: 'CouncilMember' },
  closeCouncilProposal: { proposalId: 'CouncilProposal' },
  openCouncilResidentPoll: { proposalId: 'CouncilProposal', placeIds: 'Place' },
  answerCouncilResidentPoll: { pollId: 'CouncilResidentPoll' },
  closeCouncilResidentPoll: { pollId: 'CouncilResidentPoll' },
  recordCouncilDecision: {
    'input.proposalId': 'CouncilProposal',
    'input.actionItems.ownerOrganizationId': 'Organization',
    'input.actionItems.ownerPersonId': 'Person',
  },
  updateCouncilActionItem: { id: 'CouncilActionItem' },
  reassignCouncilActionItem: { id: 'CouncilActionItem', ownerPersonId: 'Person', ownerOrganizationId: 'Organization' },
};

/** Every `ID` argument and input field a mutation takes, with its declared reference type (or undefined). */
function idInputs(field: GraphQLField<unknown, unknown>): Record<string, string | undefined> {
  const found: Record<string, string | undefined> = {};
  const visit = (path: string, input: { type: GraphQLInputType; extensions?: Readonly<Record<string, unknown>> | null }) => {
    const named = getNamedType(input.type);
    if (named.name === 'ID') found[path] = referenceOf(input)?.type;
    else if (isInputObjectType(named)) for (const inner of Object.values(named.getFields())) visit(`${path}.${inner.name}`, inner);
  };
  for (const arg of field.args) visit(arg.name, arg);
  return found;
}

test('with the command path enforced, the host composes the council plugin: declared references, payloads with errors', async () => {
  app = await createTestApp({ plugins: [plugin] });
  const mutations = app.platform.schema.getMutationType()!.getFields();
  const council = Object.keys(REFERENCES);
  for (const name of council) {
    expect([name, idInputs(mutations[name])]).toEqual([name, REFERENCES[name]]);
    const payload = getNamedType(mutations[name].type);
    expect([name, isObjectType(payload) && String(payload.getFields().errors?.type)]).toEqual([name, '[UserError!]!']);
  }
  // Every council mutation is listed above.
  expect(
    Object.keys(mutations)
      .filter((m) => /Council/.test(m))
      .sort(),
  ).toEqual([...council].sort());
});
