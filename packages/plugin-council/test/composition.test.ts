import { referenceOf } from '@gongzhi/core';
import { createTestApp, type TestApp } from '@gongzhi/core/testing';
import { getNamedType, type GraphQLField, type GraphQLInputType, isInputObjectType, isObjectType } from 'graphql';
import plugin from '../src/index.js';

let app: TestApp | undefined;
afterAll(() => app?.close());

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
  // Every council mutation, as the composed schema has them (none listed by hand, so none forgotten).
  const council = Object.keys(mutations).filter((m) => /Council/.test(m));
  expect(council.length).toBeGreaterThan(0);
  for (const name of council) {
    const undeclared = Object.entries(idInputs(mutations[name]))
      .filter(([, type]) => type === undefined)
      .map(([path]) => path);
    expect([name, undeclared]).toEqual([name, []]);
    const payload = getNamedType(mutations[name].type);
    expect([name, isObjectType(payload) && String(payload.getFields().errors?.type)]).toEqual([name, '[UserError!]!']);
  }
  // The ids of an action item's owners, in a list input and as arguments, are declared as their types.
  expect(idInputs(mutations.recordCouncilDecision)).toMatchObject({
    'input.actionItems.ownerOrganizationId': 'Organization',
    'input.actionItems.ownerPersonId': 'Person',
  });
  expect(idInputs(mutations.reassignCouncilActionItem)).toEqual({
    id: 'CouncilActionItem',
    ownerPersonId: 'Person',
    ownerOrganizationId: 'Organization',
  });
});
