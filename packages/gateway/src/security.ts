import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { type ASTVisitor, GraphQLError, NoSchemaIntrospectionCustomRule, type ValidationContext, type ValidationRule } from 'graphql';
import type { Limits } from './config.js';

/**
 * At most `max` aliases in one document, `__typename` included (a flood of aliased
 * `__typename` costs the server as much as any other field to answer).
 */
function maxAliases(max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    let count = 0;
    return {
      Field(node) {
        if (node.alias && ++count === max + 1) {
          context.reportError(
            new GraphQLError(`Too many aliases: the limit is ${max} in one document.`, {
              nodes: [node],
              extensions: { code: 'TOO_MANY_ALIASES', max },
            }),
          );
        }
      },
    };
  };
}

/**
 * The validation rules that bound what one document may ask for (depth, aliases,
 * directives, cost) and, with introspection off, refuse `__schema` and `__type`; HTTP and
 * WebSocket run the same list. Token count is bounded at parse.
 */
export function limitRules(limits: Limits, introspection: boolean): ValidationRule[] {
  // Report as validation errors (a 400 saying which limit) rather than throwing (a 500).
  const report = {
    exposeLimits: true,
    propagateOnRejection: false,
    onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(error)],
  };
  return [
    maxDepthRule({ n: limits.maxDepth, ...report }),
    maxAliases(limits.maxAliases),
    maxDirectivesRule({ n: limits.maxDirectives, ...report }),
    costLimitRule({ maxCost: limits.maxCost, ...report }),
    ...(introspection ? [] : [NoSchemaIntrospectionCustomRule]),
  ];
}

/**
 * Operations per minute per caller (API key, person, or anonymous address): a token bucket
 * that refills continuously. In-process: each gateway process counts its own share.
 */
export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one token for `key`; returns the seconds to wait when none is left, else 0. */
  take(key: string): number {
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: this.perMinute, at: now };
    bucket.tokens = Math.min(this.perMinute, bucket.tokens + ((now - bucket.at) / 60_000) * this.perMinute);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 100_000) this.forgetFull();
    if (bucket.tokens < 1) return Math.ceil(((1 - bucket.tokens) / this.perMinute) * 60);
    bucket.tokens -= 1;
    return 0;
  }

  private forgetFull(): void {
    for (const [key, bucket] of this.buckets) if (bucket.tokens >= this.perMinute - 1) this.buckets.delete(key);
  }
}

export function rateLimitedError(retryAfter: number): GraphQLError {
  return new GraphQLError(`Too many operations: the limit is reached for this key. Retry in ${retryAfter} s.`, {
    extensions: { code: 'RATE_LIMITED', retryAfter },
  });
}
