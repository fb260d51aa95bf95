import {
  type FieldNode,
  getNamedType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLInterfaceType,
  type GraphQLObjectType,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isObjectType,
  Kind,
  type NamedTypeNode,
  type OperationDefinitionNode,
  OperationTypeNode,
  parse,
  type SelectionSetNode,
  typeFromAST,
  validate,
} from 'graphql';
import { StartupError } from '../errors.js';
import { LOCALES, type Locale } from '../i18n/locales.js';

/** Words in every locale: a column's name, an enum value's. */
export type Words = Readonly<Record<Locale, string>>;

/**
 * A list districts download as a spreadsheet (台账导出): `GET /export/<name>.csv`, every page of
 * `query` run as the caller, so the file shows nothing the API would not. Declared by core
 * (`requests`) and by plugins (`spreadsheetExports`); the host checks each against the composed
 * schema at boot.
 */
export interface SpreadsheetExport {
  /** Kebab-case, unique: the file is `/export/<name>.csv`. */
  name: string;
  /** What a row is, in a sentence (the index of exports shows it). */
  description: string;
  /**
   * One page of the list: a query reading one connection, taking `$after: String` as its `after`
   * and asking `first: 100`, selecting `nodes { … }` and `pageInfo { hasNextPage endCursor }`. The
   * connection is the root field or a field under it, one field a level (`node(id: $accountId) {
   * ... on MoralBankAccount { statement(…) } }`); a row above it that is not there (an id that
   * names nothing the caller sees) answers 404. Its other variables are the download's parameters (an input object's fields
   * each a parameter of its own).
   */
  query: string;
  /**
   * A heading for each leaf of `nodes { … }`, by its path (`place.name`), in the order the columns
   * come. A path through a list (`checks.item`, `findings.nodes.description`) fills its cell with
   * the list's values one after another, an element without one keeping its empty place.
   */
  columns: Readonly<Record<string, Words>>;
  /** Enum values in words (`CLOSED`: 已办结); a value without is written as it is. */
  words?: Readonly<Record<string, Words>>;
}

/** A leaf of an export's rows: its path in a node, whether it is a point in time (shown on the district's clock), whether its values are said in `words`. */
export interface ExportColumn {
  path: readonly string[];
  heading: Words;
  moment: boolean;
  /** An enum or a Boolean: its values are looked up in the export's `words` (a title that reads CLOSED stays CLOSED). */
  worded: boolean;
}

/** A parameter of a download (`?under=…`): a variable of the export's query, or a field of an input object variable. */
export interface ExportParameter {
  name: string;
  /** The variable it fills. */
  variable: string;
  /** The input object's field it fills, when the variable is an input object (`filter.status`). */
  field?: string;
  type: GraphQLInputType;
  /** Whether the download is refused without it (a non-null variable, or a non-null field of one). */
  required: boolean;
  description: string | null;
}

/** An export checked against the schema: its document parsed once, its root field, parameters and columns known. */
export interface CheckedExport extends SpreadsheetExport {
  owner: string;
  document: ReturnType<typeof parse>;
  /** The download's parameters, in the query's order (`after` is the export's own). */
  parameters: readonly ExportParameter[];
  /** The response keys from the root to the connection whose `nodes` are the rows (`['places']`, `['node', 'statement']`). */
  path: readonly string[];
  columnList: readonly ExportColumn[];
}

const NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** The leaves under a selection set, as paths, with their field definitions. */
function leavesOf(
  set: SelectionSetNode,
  parent: GraphQLObjectType,
  prefix: string[],
  owner: string,
  name: string,
): { path: string[]; field: GraphQLField<unknown, unknown> }[] {
  return set.selections.flatMap((selection) => {
    if (selection.kind !== Kind.FIELD) {
      throw new StartupError(
        `The export "${name}" of ${owner} uses a fragment in nodes { … }. Fix: list the fields themselves: each is a column.`,
      );
    }
    const node = selection;
    const key = node.alias?.value ?? node.name.value;
    const field = parent.getFields()[node.name.value] as GraphQLField<unknown, unknown> | undefined;
    if (!field) return [];
    const type = getNamedType(field.type);
    if (node.selectionSet && isObjectType(type)) return leavesOf(node.selectionSet, type, [...prefix, key], owner, name);
    return isLeafType(type) ? [{ path: [...prefix, key], field }] : [];
  });
}

/** The one field a selection set reads, through an inline fragment (`... on T { field }`), and the type it is read on. */
function onlyField(
  schema: GraphQLSchema,
  set: SelectionSetNode,
  on: GraphQLObjectType | GraphQLInterfaceType,
): { field: FieldNode; on: GraphQLObjectType | GraphQLInterfaceType } | undefined {
  const [selection, ...others] = set.selections;
  if (!selection || others.length) return undefined;
  if (selection.kind === Kind.FIELD) return { field: selection, on };
  if (selection.kind !== Kind.INLINE_FRAGMENT || !selection.typeCondition) return undefined;
  const narrowed = schema.getType(selection.typeCondition.name.value);
  return isObjectType(narrowed) ? onlyField(schema, selection.selectionSet, narrowed) : undefined;
}

/**
 * Checks every export at boot: a kebab-case name used once, a query valid against the composed
 * schema with the shape described on {@link SpreadsheetExport.query}, a heading in every locale
 * for each leaf of its rows and no heading for a field it does not select. The first problem
 * stops the start, naming the export, its owner and the fix.
 */
export function checkSpreadsheetExports(
  schema: GraphQLSchema,
  declared: readonly { owner: string; spreadsheet: SpreadsheetExport }[],
): CheckedExport[] {
  const seen = new Map<string, string>();
  return declared.map(({ owner, spreadsheet }) => {
    const { name } = spreadsheet;
    const fail = (problem: string, fix: string): never => {
      throw new StartupError(`The export "${name}" of ${owner} ${problem}. Fix: ${fix}.`);
    };
    if (!NAME.test(name)) fail('has a name that is not kebab-case', 'name it like "requests" or "volunteer-service"');
    if (seen.has(name)) fail(`is declared by ${seen.get(name)} too`, 'give each export its own name');
    seen.set(name, owner);
    let document: ReturnType<typeof parse>;
    try {
      document = parse(spreadsheet.query);
    } catch (err) {
      return fail(`has a query that does not parse (${(err as Error).message})`, 'write it as GraphQL');
    }
    const errors = validate(schema, document);
    if (errors.length) fail(`has a query the composed schema refuses: ${errors.map((e) => e.message).join(' ')}`, 'correct the query');
    const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const operation = operations[0];
    if (operations.length !== 1 || !operation || operation.operation !== OperationTypeNode.QUERY)
      return fail('is not one query', 'write one query operation');
    if (
      !operation.variableDefinitions?.some(
        (v) => v.variable.name.value === 'after' && v.type.kind === Kind.NAMED_TYPE && v.type.name.value === 'String',
      )
    ) {
      fail('does not take $after: String', "declare $after: String and pass it as the connection's after");
    }
    // The download's parameters: an input object variable's fields, any other variable's name; one meaning each.
    const parameters: ExportParameter[] = [];
    for (const definition of operation.variableDefinitions ?? []) {
      const variable = definition.variable.name.value;
      if (variable === 'after') continue;
      const type = typeFromAST(schema, definition.type as NamedTypeNode) as GraphQLInputType | undefined;
      const named = type ? getNamedType(type) : undefined;
      const required = !!type && isNonNullType(type);
      const own = isInputObjectType(named)
        ? Object.values(named.getFields()).map((f) => ({
            name: f.name,
            variable,
            field: f.name,
            type: f.type,
            required: required && isNonNullType(f.type),
            description: f.description ?? null,
          }))
        : type
          ? [{ name: variable, variable, type, required, description: null }]
          : [];
      for (const parameter of own) {
        if (parameters.some((p) => p.name === parameter.name))
          fail(`has two parameters named ${parameter.name}`, 'rename a variable, or read the filter from one input');
        parameters.push(parameter);
      }
    }
    // The connection: the root field, or a field under it reached by one field a level (an inline
    // fragment on the way for node(id:)), so an account's statement pages as a root list does.
    const path: string[] = [];
    let parent: GraphQLObjectType | GraphQLInterfaceType | undefined = schema.getQueryType() ?? undefined;
    let set: SelectionSetNode | undefined = operation.selectionSet;
    let connectionNode: FieldNode | undefined;
    let connection: GraphQLObjectType | undefined;
    while (parent && set && !connection) {
      const only = onlyField(schema, set, parent);
      if (!only) break;
      const definition = only.on.getFields()[only.field.name.value];
      const type = definition ? getNamedType(definition.type) : undefined;
      path.push(only.field.alias?.value ?? only.field.name.value);
      if (isObjectType(type) && type.getFields().nodes && type.getFields().pageInfo) {
        connectionNode = only.field;
        connection = type;
      } else {
        parent = isObjectType(type) || isInterfaceType(type) ? type : undefined;
        set = only.field.selectionSet;
      }
    }
    if (!connectionNode || !connection) {
      return fail(
        'does not read one connection',
        'read one connection: at the root, or under one field a level (node(id:) { … on T { list } })',
      );
    }
    const nodesField = connection.getFields().nodes;
    const nodeType = nodesField ? getNamedType(nodesField.type) : undefined;
    const nodes = connectionNode.selectionSet?.selections.find(
      (s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === 'nodes' && !s.alias,
    );
    const pageInfo = connectionNode.selectionSet?.selections.find(
      (s): s is FieldNode => s.kind === Kind.FIELD && s.name.value === 'pageInfo' && !s.alias,
    );
    const pageInfoKeys = new Set(pageInfo?.selectionSet?.selections.map((s) => (s.kind === Kind.FIELD ? s.name.value : '')));
    if (!nodes?.selectionSet || !isObjectType(nodeType) || !pageInfoKeys.has('hasNextPage') || !pageInfoKeys.has('endCursor')) {
      return fail('does not read a connection', 'select nodes { … } and pageInfo { hasNextPage endCursor } of a connection');
    }
    const passesAfter = connectionNode.arguments?.some(
      (a) => a.name.value === 'after' && a.value.kind === Kind.VARIABLE && a.value.name.value === 'after',
    );
    if (!passesAfter) fail("does not pass $after to the connection's after", 'write after: $after on the connection');
    const leaves = leavesOf(nodes.selectionSet, nodeType, [], owner, name);
    const columnList = leaves.map(({ path, field }) => {
      const heading = spreadsheet.columns[path.join('.')];
      if (!heading || LOCALES.some((locale) => typeof heading[locale] !== 'string')) {
        return fail(
          `has no heading in every locale for the column ${path.join('.')}`,
          `add columns["${path.join('.')}"]: { en: …, 'zh-CN': … }`,
        );
      }
      return {
        path,
        heading,
        moment: getNamedType(field.type).name === 'DateTimeISO',
        worded: isEnumType(getNamedType(field.type)) || getNamedType(field.type).name === 'Boolean',
      };
    });
    const selected = new Set(columnList.map((c) => c.path.join('.')));
    const stray = Object.keys(spreadsheet.columns).find((path) => !selected.has(path));
    if (stray) fail(`heads a column ${stray} its query does not select`, `select ${stray} in nodes { … }, or drop its heading`);
    return { ...spreadsheet, owner, document, parameters, path, columnList };
  });
}
