import { createPlatform, type SpreadsheetExport } from '@gongzhi/core';
import { createTestDatabase, type TestDatabase } from '@gongzhi/core/testing';
import { bare } from './fixtures/plugins.js';

/**
 * A spreadsheet export (`/export/<name>.csv`) is checked against the composed schema at start:
 * a plugin author learns of a renamed field, a column without a heading or a query that cannot
 * page when the platform starts, not when a district downloads the file.
 */
let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db?.drop());

const PLACES = `query Places($under: ID, $after: String) {
  places(under: $under, first: 100, after: $after) { nodes { name code parent { name } } pageInfo { hasNextPage endCursor } }
}`;
const good: SpreadsheetExport = {
  name: 'place-list',
  description: 'Places.',
  query: PLACES,
  columns: {
    name: { en: 'Name', 'zh-CN': '名称' },
    code: { en: 'Code', 'zh-CN': '编码' },
    'parent.name': { en: 'Parent', 'zh-CN': '上级' },
  },
};
const start = (spreadsheet: SpreadsheetExport) =>
  createPlatform({ databaseUrl: db.url, plugins: [bare('sheets', { spreadsheetExports: [spreadsheet] })] });

test('a well-formed export is served with its columns in order, moments known', async () => {
  const platform = await start(good);
  try {
    const checked = platform.spreadsheetExports.find((e) => e.name === 'place-list')!;
    expect(checked.owner).toBe('plugin "sheets"');
    expect(checked.path).toEqual(['places']);
    expect(checked.columnList.map((c) => c.path.join('.'))).toEqual(['name', 'code', 'parent.name']);
    const requests = platform.spreadsheetExports.find((e) => e.name === 'requests')!;
    expect(requests.columnList.filter((c) => c.moment).map((c) => c.path.join('.'))).toEqual(['dueAt', 'createdAt', 'updatedAt']);
    // Only enums and Booleans are said in words: a title or category that reads CLOSED stays CLOSED.
    expect(requests.columnList.filter((c) => c.worded).map((c) => c.path.join('.'))).toEqual([
      'kind',
      'channel',
      'status',
      'level',
      'priority',
    ]);
  } finally {
    await platform.close();
  }
});

test('a connection under a row is exported as a root one is: by one field a level, through node(id:) too', async () => {
  const children = {
    ...good,
    name: 'place-children',
    query: `query ($placeId: ID!, $after: String) { node(id: $placeId) { ... on Place {
      children(first: 100, after: $after) { nodes { name code parent { name } } pageInfo { hasNextPage endCursor } } } } }`,
  };
  const platform = await start(children);
  try {
    expect(platform.spreadsheetExports.find((e) => e.name === 'place-children')?.path).toEqual(['node', 'children']);
  } finally {
    await platform.close();
  }
});

const CHILDREN = `query ($placeId: ID!, $after: String) { place(id: $placeId) {
  children(first: 100, after: $after) { nodes { name code parent { name } } pageInfo { hasNextPage endCursor } } } }`;

test.each([
  [
    'two fields above the connection',
    { ...good, query: CHILDREN.replace('place(id: $placeId) {', 'place(id: $placeId) { name') },
    /does not read one connection\. Fix: read one connection: at the root, or under one field a level/,
  ],
  [
    '$after given to another list than the connection',
    {
      ...good,
      query: CHILDREN.replace('children(first: 100, after: $after)', 'children(first: 100)').replace(
        'parent { name }',
        'parent { name children(first: 1, after: $after) { nodes { name } } }',
      ),
      columns: { ...good.columns, 'parent.children.nodes.name': good.columns.name },
    },
    /does not pass \$after to the connection's after\. Fix: write after: \$after on the connection/,
  ],
  ['a name that is not kebab-case', { ...good, name: 'Place_List' }, /"Place_List" of plugin "sheets" has a name that is not kebab-case/],
  ['a name core has', { ...good, name: 'requests' }, /"requests" of plugin "sheets" is declared by core too/],
  ['a field the schema does not have', { ...good, query: PLACES.replace('code', 'postcode') }, /refuses: Cannot query field "postcode"/],
  ['no $after', { ...good, query: PLACES.replace(', $after: String', '').replace(', after: $after', '') }, /does not take \$after: String/],
  ['no pageInfo', { ...good, query: PLACES.replace(' pageInfo { hasNextPage endCursor }', '') }, /does not read a connection/],
  [
    'two parameters of one name',
    {
      ...good,
      query: `query ($filter: RequestFilter, $text: String, $after: String) { requests(filter: $filter, first: 100, after: $after) {
        nodes { title timeline(first: 1, after: $text) { nodes { action } } } pageInfo { hasNextPage endCursor } } }`,
      columns: { title: good.columns.name, 'timeline.nodes.action': { en: 'Action', 'zh-CN': '操作' } },
    },
    /has two parameters named text\. Fix: rename a variable/,
  ],
  [
    'a column without a heading',
    { ...good, columns: { name: good.columns.name, code: good.columns.code } },
    /has no heading in every locale for the column parent\.name\. Fix: add columns\["parent\.name"\]/,
  ],
  [
    'a heading for a column not selected',
    { ...good, columns: { ...good.columns, type: { en: 'Type', 'zh-CN': '类型' } } },
    /heads a column type its query does not select/,
  ],
])('%s stops the start', async (_what, spreadsheet, message) => {
  await expect(start(spreadsheet)).rejects.toThrow(message);
});
