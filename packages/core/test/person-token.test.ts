import { createTokenVerifier, signPersonToken, VERIFIED_TOKEN_MS } from '@gongzhi/core';
import { SignJWT } from 'jose';

/**
 * A person token's signature is checked once and then remembered for a short while, never past
 * the token's expiry: a client sending the same token with every operation costs one check a
 * minute, and an expired token is refused the moment it expires, remembered or not.
 */
const secret = 'a-test-secret-that-is-long-enough-0123456789';
const person = '0b7e1c9e-5d2a-4f39-9a53-2f1e6f0c8d11';

/** A clock the test moves by hand. */
function handClock(start = Date.now()) {
  let now = start;
  return { clock: () => new Date(now), advance: (ms: number) => (now += ms) };
}

test('a token verified once answers from memory (the same payload) until the memory lapses, then is checked again', async () => {
  const { clock, advance } = handClock();
  const verify = createTokenVerifier({ secret }, clock)!;
  const token = await signPersonToken(person, { secret }, '8h');
  const first = await verify(token);
  expect(first.sub).toBe(person);
  expect(Object.isFrozen(first)).toBe(true);
  advance(VERIFIED_TOKEN_MS - 1);
  expect(await verify(token)).toBe(first);
  advance(1);
  const again = await verify(token);
  expect(again).not.toBe(first);
  expect(again).toEqual(first);
});

test('a remembered token is refused once it expires', async () => {
  const { clock, advance } = handClock();
  const verify = createTokenVerifier({ secret }, clock)!;
  // Expires 10 s from the clock's now (whole seconds, as JWTs count).
  const exp = Math.floor(clock().getTime() / 1000) + 10;
  const token = await new SignJWT({})
    .setProtectedHeader({ alg: 'HS256' })
    .setSubject(person)
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(secret));
  const first = await verify(token);
  advance(exp * 1000 - clock().getTime() - 1);
  expect(await verify(token)).toBe(first);
  advance(1);
  await expect(verify(token)).rejects.toThrow(/"exp" claim timestamp check failed/);
});

test('a forged or malformed token is refused every time: only accepted tokens are remembered', async () => {
  const verify = createTokenVerifier({ secret })!;
  const forged = await signPersonToken(person, { secret: 'another-secret-that-is-long-enough-012345' });
  for (let i = 0; i < 2; i++) {
    await expect(verify(forged)).rejects.toThrow(/signature verification failed/);
    await expect(verify('not-a-token')).rejects.toThrow();
  }
});
