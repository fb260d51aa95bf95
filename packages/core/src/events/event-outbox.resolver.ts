import { GraphQLJSON } from 'graphql-scalars';
import { Args, Ctx, Field, FieldResolver, Int, ObjectType, Query, Resolver } from 'type-graphql';
import { authorize } from '../auth/authorize.js';
import { Permission } from '../auth/permission.js';
import type { GongzhiContext } from '../context.js';
import { eventOutbox } from './outbox.js';
import { type ConnectionOrder, ConnectionArgs, ConnectionPage, connectionType, pageOfKeyset } from '../relay/connection.js';
import { coreMessages } from '../i18n/core-messages.js';

@ObjectType({ description: 'A delivery of a committed event to an after-commit handler that failed at least once; it is tried again.' })
export class EventDelivery {
  @Field(() => String, { description: 'The outbox row.' })
  id!: string;

  @Field(() => String, { description: 'The event name, e.g. volunteer.service-verified.' })
  event!: string;

  @Field(() => GraphQLJSON, { description: "The event's payload." })
  payload!: unknown;

  @Field(() => String, { description: 'The handler id, e.g. moral-bank.credit-verified-service.' })
  handler!: string;

  @Field(() => Int, { description: 'Failed attempts so far.' })
  attempts!: number;

  @Field(() => String, { nullable: true, description: 'The last failure: error name and message.' })
  lastError?: string | null;

  @Field(() => Date, { nullable: true })
  lastAttemptAt?: Date | null;

  @Field(() => Date, { description: 'When the next attempt is due (the wait doubles with each failure, up to a cap).' })
  nextAttemptAt!: Date;

  @Field(() => Date)
  occurredAt!: Date;
}

@ObjectType({ description: 'Deliveries of committed events to after-commit handlers that are not made yet.' })
export class EventOutboxState {
  @Field(() => Int, { description: 'Deliveries not made yet, failed ones included (usually 0: most are made right after commit).' })
  pending!: number;
}

/** Failed deliveries, the next due first (event_outbox_due_idx). */
const EventDeliveryConnection = connectionType(EventDelivery);
const NEXT_DUE_FIRST: ConnectionOrder<EventDelivery> = { keys: ['nextAttemptAt', 'id'], direction: 'asc' };

@Resolver(() => EventOutboxState)
export class EventOutboxResolver {
  @Query(() => EventOutboxState, {
    description:
      'The event outbox, for operators: how many deliveries wait and which ones fail (auditors who see everywhere: "audit" or "*").',
  })
  async eventOutbox(@Ctx() ctx: GongzhiContext): Promise<EventOutboxState> {
    const access = await authorize(ctx, Permission.AUDIT);
    if (!access.everywhere) {
      throw coreMessages.eventOutboxSpansEvery.error(null, {
        permission: Permission.AUDIT,
      });
    }
    return { pending: await eventOutbox.pendingCount(ctx.em.fork()) };
  }

  @FieldResolver(() => EventDeliveryConnection, {
    description: 'Deliveries that failed at least once, the next due first, a page at a time.',
  })
  failed(@Args(() => ConnectionArgs) page: ConnectionArgs, @Ctx() ctx: GongzhiContext): Promise<ConnectionPage<EventDelivery>> {
    // Only eventOutbox answers this type, after its check.
    return pageOfKeyset(NEXT_DUE_FIRST, page, { connection: 'EventOutboxState.failed', defaultSize: 50 }, (keyset) =>
      eventOutbox.failures(ctx.em.fork(), keyset),
    );
  }
}
