import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildSchema,
  getNamedType,
  getNullableType,
  type GraphQLField,
  type GraphQLObjectType,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql';

/**
 * The list rule (docs/connections.md), checked on the composed schema of core and every bundled
 * plugin (schema/current/composed.graphql, which the schema contract test keeps current): a list
 * of rows a client can page is a Relay connection. Plain lists of objects are checked where they
 * are declared: the platform refuses to start with one that is not `@BoundedList('why')` (core's
 * `checkListFields`, proven in packages/core/test/composition.test.ts), so no list is kept here.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

const schema = buildSchema(await readFile(path.join(root, 'schema/current/composed.graphql'), 'utf8'));
const objectTypes = Object.values(schema.getTypeMap()).filter((t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith('__'));
const fields = objectTypes.flatMap((type) =>
  Object.values(type.getFields()).map((field) => ({ type, field, name: `${type.name}.${field.name}` })),
);

const isConnection = (type: GraphQLObjectType) => type.name.endsWith('Connection') && 'pageInfo' in type.getFields();
const isList = (field: GraphQLField<unknown, unknown>) => isListType(getNullableType(field.type));

test('no field takes "first" unless it is a connection', () => {
  const refused = fields
    .filter(({ field }) => field.args.some((a) => a.name === 'first'))
    .filter(({ field }) => {
      const returned = getNamedType(field.type);
      return !(isObjectType(returned) && isConnection(returned));
    })
    .map(({ name }) => name);
  expect(refused).toEqual([]);
});

test('every connection follows the Relay cursor connections spec', () => {
  const pageInfo = schema.getType('PageInfo') as GraphQLObjectType;
  const info = Object.fromEntries(Object.values(pageInfo.getFields()).map((f) => [f.name, String(f.type)]));
  expect(info).toEqual({ hasNextPage: 'Boolean!', hasPreviousPage: 'Boolean!', startCursor: 'String', endCursor: 'String' });
  const connections = objectTypes.filter(isConnection);
  expect(connections.length).toBeGreaterThanOrEqual(5);
  for (const connection of connections) {
    const own = connection.getFields();
    const edgeType = getNamedType(own.edges.type) as GraphQLObjectType;
    const edge = edgeType.getFields();
    const node = getNamedType(edge.node.type);
    expect([connection.name, String(own.edges.type), String(own.pageInfo.type), String(own.nodes?.type)]).toEqual([
      connection.name,
      `[${edgeType.name}!]!`,
      'PageInfo!',
      `[${node.name}!]!`,
    ]);
    expect([edgeType.name, String(edge.cursor.type), isNonNullType(edge.node.type)]).toEqual([edgeType.name, 'String!', true]);
  }
  for (const { field, name } of fields) {
    const returned = getNamedType(field.type);
    if (!isObjectType(returned) || !isConnection(returned) || isList(field)) continue;
    const args = Object.fromEntries(field.args.map((a) => [a.name, String(a.type)]));
    expect([name, args.first, args.after, args.last, args.before]).toEqual([name, 'Int', 'String', 'Int', 'String']);
  }
});

test('Relay global object identification: node(id:) and nodes(ids:) on Query', () => {
  const query = schema.getQueryType()!.getFields();
  expect(String(query.node.type)).toBe('Node');
  expect(query.node.args.map((a) => `${a.name}: ${String(a.type)}`)).toEqual(['id: ID!']);
  expect(String(query.nodes.type)).toBe('[Node]!');
  expect(query.nodes.args.map((a) => `${a.name}: ${String(a.type)}`)).toEqual(['ids: [ID!]!']);
});
