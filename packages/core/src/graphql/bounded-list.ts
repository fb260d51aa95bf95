import {
  type GraphQLField,
  type GraphQLSchema,
  getNamedType,
  getNullableType,
  isInterfaceType,
  isListType,
  isObjectType,
  isUnionType,
} from 'graphql';
import { Extensions } from 'type-graphql';
import { PluginCompositionError } from '../errors.js';

/** The field extension {@link BoundedList} sets: why the list cannot grow without bound. */
const BOUNDED = 'boundedList';

/**
 * Declares that a field answering a plain list of objects (`[Place!]!`, not a connection) is
 * small by nature, and says why: a place's ancestors (its depth), a visit's checks (a fixed
 * form), a statistic per status (the enum). The platform refuses at start-up any such list
 * without this declaration: a list that grows with the data must be a connection
 * (`connectionType`, `loadPageByForeignKey`), with a page size cap and cursors, so one
 * question can never load a whole table.
 *
 * ```ts
 * @BoundedList('one per check of the visit form (five at most)')
 * @Field(() => [GridVisitCheck])
 * checks!: GridVisitCheck[];
 * ```
 */
export function BoundedList(why: string): MethodDecorator & PropertyDecorator {
  return Extensions({ [BOUNDED]: why });
}

/** Whether `field` answers a list whose items are objects (objects, interfaces or unions). */
function listsObjects(field: GraphQLField<unknown, unknown>): boolean {
  if (!isListType(getNullableType(field.type))) return false;
  const item = getNamedType(field.type);
  return isObjectType(item) || isInterfaceType(item) || isUnionType(item);
}

/**
 * The start-up check of list shapes: every field of the composed schema that answers a plain
 * list of objects either belongs to a connection (a type with `pageInfo`) or a mutation's payload
 * (a type with `errors: [UserError!]!`: what one mutation wrote), or is declared {@link BoundedList}. Throws one
 * {@link PluginCompositionError} naming every field that is none of these.
 */
export function checkListFields(schema: GraphQLSchema): void {
  const problems: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
    const fields = type.getFields();
    // A connection pages its lists; a payload's lists are what one mutation wrote or refused.
    if (fields.pageInfo || (fields.errors && getNamedType(fields.errors.type).name === 'UserError')) continue;
    for (const field of Object.values(fields)) {
      if (!listsObjects(field)) continue;
      if (typeof field.extensions?.[BOUNDED] === 'string') continue;
      problems.push(`${type.name}.${field.name} (${String(field.type)})`);
    }
  }
  if (problems.length)
    throw new PluginCompositionError(
      `A plain list of objects must be small by nature: ${problems.join(', ')}. Page a list that grows with the data as a connection ` +
        `(connectionType and loadPageByForeignKey, see docs/writing-a-plugin.md); declare one that cannot grow with @BoundedList('why').`,
    );
}
