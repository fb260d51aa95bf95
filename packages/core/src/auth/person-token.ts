import { createRemoteJWKSet, type JWTPayload, jwtVerify, SignJWT } from 'jose';

/** How person tokens (JWT) are checked: a shared secret (HS256) or a JWKS URL, optional issuer and audience. */
export interface TokenConfig {
  /** Shared secret for HS256 tokens; at least 32 characters. */
  secret?: string | null;
  /** URL of a JSON Web Key Set (an identity provider's); tokens signed by its keys are accepted. */
  jwksUrl?: string | null;
  issuer?: string | null;
  audience?: string | null;
}

export type TokenVerifier = (token: string) => Promise<JWTPayload>;

/**
 * How long a token once verified is taken without checking its signature again (never past its
 * `exp`): a client sends the same token with every operation, and checking an HS256 signature
 * costs about 0.1 ms of CPU each time. Short, so a key an identity provider withdrew from its
 * JWKS stops being honoured soon.
 */
export const VERIFIED_TOKEN_MS = 60_000;
/** Verified tokens kept at most (the oldest go first). */
const VERIFIED_TOKENS_MAX = 10_000;

/**
 * A verifier for person tokens, or null when neither a secret nor a JWKS URL is configured. A
 * token it accepted is accepted again without a new signature check until {@link VERIFIED_TOKEN_MS}
 * have passed or it expires, whichever comes first; the payload it answers is frozen (shared).
 * `clock` is the time tokens are checked at (the platform's clock in tests).
 */
export function createTokenVerifier(config: TokenConfig, clock: () => Date = () => new Date()): TokenVerifier | null {
  const options = () => ({ issuer: config.issuer ?? undefined, audience: config.audience ?? undefined, currentDate: clock() });
  if (config.jwksUrl) {
    const jwks = createRemoteJWKSet(new URL(config.jwksUrl));
    return remembering(clock, async (token) => (await jwtVerify(token, jwks, options())).payload);
  }
  if (config.secret) {
    const key = new TextEncoder().encode(config.secret);
    return remembering(clock, async (token) => (await jwtVerify(token, key, { ...options(), algorithms: ['HS256'] })).payload);
  }
  return null;
}

/** `verify`, answering a token it accepted lately from memory (see {@link createTokenVerifier}). */
function remembering(clock: () => Date, verify: TokenVerifier): TokenVerifier {
  const verified = new Map<string, { payload: JWTPayload; until: number }>();
  return async (token) => {
    const now = clock().getTime();
    const known = verified.get(token);
    if (known && now < known.until) return known.payload;
    if (known) verified.delete(token);
    const payload = Object.freeze(await verify(token));
    // jose refuses a token once `now >= exp` (in whole seconds): kept no longer than that.
    const until = Math.min(now + VERIFIED_TOKEN_MS, payload.exp === undefined ? Infinity : payload.exp * 1000);
    if (verified.size >= VERIFIED_TOKENS_MAX) verified.delete(verified.keys().next().value as string);
    verified.set(token, { payload, until });
    return payload;
  };
}

/**
 * Signs a person token with a shared secret: for the demo, tests, and deployments where the
 * platform itself issues tokens. `sub` is the person's uuid.
 */
export async function signPersonToken(
  personUuid: string,
  config: { secret: string; issuer?: string | null; audience?: string | null },
  expiresIn = '8h',
): Promise<string> {
  let jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(personUuid).setIssuedAt().setExpirationTime(expiresIn);
  if (config.issuer) jwt = jwt.setIssuer(config.issuer);
  if (config.audience) jwt = jwt.setAudience(config.audience);
  return jwt.sign(new TextEncoder().encode(config.secret));
}
