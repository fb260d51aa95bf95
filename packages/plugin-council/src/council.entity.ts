import { Entity, Enum, ManyToOne, PrimaryKey, Property } from '@mikro-orm/decorators/legacy';
import { OptionalProps } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Node, Place, toGlobalId } from '@gongzhi/core';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

/** How a council decides. */
export enum VotingRule {
  CONSENT = 'consent',
  SIMPLE_MAJORITY = 'simple_majority',
  TWO_THIRDS = 'two_thirds',
}
registerEnumType(VotingRule, { name: 'CouncilVotingRule', description: 'How a council reaches a decision.' });

/** A deliberation body (议事会) of a community. */
@Entity({ schema: 'council', tableName: 'council' })
@ObjectType({ implements: Node, description: 'A deliberation council (议事会) of a community.' })
export class Council implements Node {
  [OptionalProps]?: 'uuid' | 'createdAt' | 'votingRule';

  @PrimaryKey({ type: 'uuid', fieldName: 'id' })
  uuid: string = randomUUID();

  @Field(() => ID)
  get id(): string {
    return toGlobalId('Council', this.uuid);
  }

  @Property({ type: 'text' })
  @Field(() => String)
  name!: string;

  @Enum({ items: () => VotingRule, nativeEnumName: 'council.voting_rule' })
  @Field(() => VotingRule)
  votingRule: VotingRule = VotingRule.SIMPLE_MAJORITY;

  @ManyToOne(() => Place, { deleteRule: 'restrict' })
  @Field(() => Place, { description: 'The community (or grid area) the council serves.' })
  community!: Place;

  @Property({ type: 'datetime', defaultRaw: 'now()' })
  createdAt: Date = new Date();
}
