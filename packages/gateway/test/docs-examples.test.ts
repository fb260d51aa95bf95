import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSchema, type DefinitionNode, type DocumentNode, Kind, parse, validate } from 'graphql';

/**
 * The GraphQL in the project's Markdown (README, docs/, each package's README) is valid against
 * the composed schema: every ```graphql block, and every `"query"` a shell example sends, is
 * parsed and each of its operations validated. The composed SDL is schema/current/composed.graphql,
 * which the schema contract test keeps equal to what the code builds; so a renamed field or
 * argument fails here until the docs that show it are changed too. Changelogs are left out: they
 * tell what was, not what is.
 */
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** Folders that hold no docs: installed and built code, results, and what other tests make meanwhile (`artifacts-*`). */
const NOT_DOCS = /^(?:\..*|node_modules|dist|tmp|results|artifacts.*)$/;

function markdownFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    // A folder another test made was removed meanwhile.
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return entries.flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return NOT_DOCS.test(entry.name) ? [] : markdownFiles(full);
    return entry.name.endsWith('.md') && entry.name !== 'CHANGELOG.md' ? [full] : [];
  });
}

interface Example {
  /** `file:line`, where the example starts. */
  at: string;
  source: string;
}

/** The GraphQL a Markdown file shows: its ```graphql blocks, and the `"query"` of each `-d '{…}'` in its shell blocks. */
function examplesIn(file: string): Example[] {
  const text = readFileSync(file, 'utf8');
  const lineOf = (index: number) => text.slice(0, index).split('\n').length;
  const at = (index: number) => `${path.relative(root, file)}:${lineOf(index)}`;
  const examples: Example[] = [];
  for (const block of text.matchAll(/^```(\w*)\n([\s\S]*?)^```/gm)) {
    const [fence, language, body] = block;
    const bodyStart = block.index + fence.indexOf('\n') + 1;
    if (language === 'graphql') examples.push({ at: at(bodyStart), source: body });
    if (language === 'sh' || language === 'bash')
      for (const sent of body.matchAll(/-d '(\{[^']*\})'/g)) {
        const query = (JSON.parse(sent[1]) as { query?: unknown }).query;
        if (typeof query === 'string') examples.push({ at: at(bodyStart + sent.index), source: query });
      }
  }
  return examples;
}

/** What is wrong with an example against `schema`: its syntax, or each operation's validation errors. */
function problemsOf(schema: ReturnType<typeof buildSchema>, example: Example): string[] {
  let document: DocumentNode;
  try {
    document = parse(example.source);
  } catch (err) {
    return [`${example.at}: ${(err as Error).message}`];
  }
  // A block may show several operations one after another (anonymous ones too): each is checked
  // on its own, with the block's fragments.
  const fragments = document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION);
  return document.definitions
    .filter((d): d is DefinitionNode => d.kind === Kind.OPERATION_DEFINITION)
    .flatMap((operation) => validate(schema, { kind: Kind.DOCUMENT, definitions: [operation, ...fragments] }))
    .map((error) => `${example.at}: ${error.message}`);
}

const schema = buildSchema(readFileSync(path.join(root, 'schema/current/composed.graphql'), 'utf8'));
const files = markdownFiles(root);
const examples = files.flatMap(examplesIn);

test('the docs show GraphQL: the README, the docs folder and the plugins’ READMEs each have examples', () => {
  const withExamples = new Set(examples.map((e) => e.at.split(':')[0]));
  for (const file of [
    'README.md',
    'docs/boards.md',
    'docs/webhooks.md',
    'packages/plugin-grid/README.md',
    'packages/plugin-council/README.md',
  ])
    expect(withExamples).toContain(file);
  // The README's quick start sends its query with curl: those are checked too.
  expect(examples.some((e) => e.at.startsWith('README.md') && e.source.startsWith('{ viewer'))).toBe(true);
});

test('every GraphQL example in the docs is valid against the composed schema', () => {
  expect(examples.flatMap((example) => problemsOf(schema, example))).toEqual([]);
});

test('an example that has gone stale is named with its file, line and what is wrong', () => {
  const stale = { at: 'README.md:1', source: '{ requests(filter: { district: "东城区" }) { nodes { title } } }' };
  expect(problemsOf(schema, stale)).toEqual([
    expect.stringMatching(/^README\.md:1: Field "district" is not defined by type "RequestFilter"/),
  ]);
  expect(problemsOf(schema, { at: 'x.md:3', source: '{ requests {' })).toEqual([expect.stringMatching(/^x\.md:3: Syntax Error/)]);
});
