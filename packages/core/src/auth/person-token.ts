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

/** A verifier for person tokens, or null when neither a secret nor a JWKS URL is configured. */
export function createTokenVerifier(config: TokenConfig): TokenVerifier | null {
  const options = { issuer: config.issuer ?? undefined, audience: config.audience ?? undefined };
  if (config.jwksUrl) {
    const jwks = createRemoteJWKSet(new URL(config.jwksUrl));
    return async (token) => (await jwtVerify(token, jwks, options)).payload;
  }
  if (config.secret) {
    const key = new TextEncoder().encode(config.secret);
    return async (token) => (await jwtVerify(token, key, { ...options, algorithms: ['HS256'] })).payload;
  }
  return null;
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
