import { Field, ID, InterfaceType } from 'type-graphql';

/** Relay's Node: every object with a global id can be fetched again with `node(id:)`. */
@InterfaceType({ description: 'An object with a global id.' })
export abstract class Node {
  @Field(() => ID, { description: 'Global id, opaque; pass it to node(id:) or to mutations.' })
  id!: string;
}
