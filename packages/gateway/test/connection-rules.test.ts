import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  buildSchema,
  getNamedType,
  getNullableType,
  type GraphQLField,
  type GraphQLObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
} from 'graphql';

/**
 * The list rule (docs/connections.md), checked on the composed schema of core and every bundled
 * plugin (schema/current/composed.graphql, which the schema contract test keeps current): a list
 * of rows a client can page is a Relay connection; a plain list is allowed only by rule.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/**
 * Lists bounded by what they are, not by data volume: they stay plain lists. Every entry says why;
 * add one only with a bound of the same kind.
 */
const BOUNDED: Record<string, string> = {
  'Place.ancestors': 'the depth of the place tree (district … household, 7 levels)',
  'Query.nodes': 'the ids given, at most the page cap',
  'MoralBankVenuePolicy.openingHours': "one venue's weekly opening hours (part of its policy row)",
  'MoralBankVenuePolicy.priorityWindows': "one venue's weekly priority windows (part of its policy row)",
  'MoralBankTransaction.entries': 'the double-entry lines of one transaction',
  'AuditLogEntry.changes': 'the changed fields of one row',
  'GridVisit.checks': 'the checklist of one household visit',
  'GridVisit.met': 'the people met on one household visit (recorded with it, as its checks are)',
  'GridEscalationRun.requests': 'the requests one escalation run escalated: what the mutation wrote, at most the run limit (500)',
  'GridAttentionFeatureConnection.features': "the page's nodes again under GeoJSON's member name (at most the page cap)",
  'WebhookDelivery.attemptLog': 'the attempts of one delivery (at most its retry limit)',
  'RequestStats.byStatus': 'one count per RequestStatus value',
  'RequestStats.byLevel': 'one count per RequestLevel value',
  'TaskBoard.cards': 'the board query caps cards per item type by its own limit argument',
  'Query.plugins': 'the plugins the server loaded',
  'Viewer.places': "the caller's own grants",
  'Webhook.places': 'the places one webhook was registered for',
  'CouncilResidentPoll.places': 'the places one poll was opened for',
  'Query.gridVisitStats': 'one row per grid worker and week of the range asked',
  'Query.moralBankMonthlySummary': 'one row per month of the range asked',
};

const schema = buildSchema(await readFile(path.join(root, 'schema/current/composed.graphql'), 'utf8'));
const objectTypes = Object.values(schema.getTypeMap()).filter((t): t is GraphQLObjectType => isObjectType(t) && !t.name.startsWith('__'));
const fields = objectTypes.flatMap((type) =>
  Object.values(type.getFields()).map((field) => ({ type, field, name: `${type.name}.${field.name}` })),
);

const isConnection = (type: GraphQLObjectType) => type.name.endsWith('Connection') && 'pageInfo' in type.getFields();
const isList = (field: GraphQLField<unknown, unknown>) => isListType(getNullableType(field.type));

/** Why a list field may be a plain list, or null when it must be a connection. */
function allowedBy(type: GraphQLObjectType, field: GraphQLField<unknown, unknown>): string | null {
  const name = `${type.name}.${field.name}`;
  if (isLeafType(getNamedType(field.type))) return 'values of the row itself (scalars or enums)';
  if (type.name.endsWith('Payload')) return "a mutation's payload: its errors and the rows it wrote, bounded by its input";
  if (isConnection(type) && (field.name === 'edges' || field.name === 'nodes')) return 'the page of a connection';
  return BOUNDED[name] ?? null;
}

test('every list of rows a client can page is a connection; a plain list only by rule', () => {
  const refused = fields.filter(({ type, field }) => isList(field) && !allowedBy(type, field)).map(({ name }) => name);
  expect(refused).toEqual([]);
});

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

test('the bounded allow-list names only lists that exist', () => {
  const byName = new Map(fields.map((f) => [f.name, f.field]));
  expect(Object.keys(BOUNDED).filter((name) => !byName.get(name) || !isList(byName.get(name)!))).toEqual([]);
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
