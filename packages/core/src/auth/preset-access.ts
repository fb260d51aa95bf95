// Internal to core (not exported from the package): only the authenticator sets grants here.
import type { Caller } from '../context.js';
import type { Access } from './access.js';

/**
 * Grants already read with a caller's credential (the authenticator checks an API key and its
 * grants in one statement), usable once, until `until` (ms since the epoch): `resolveAccess`
 * answers the caller's first operation from here instead of asking the database again. Keyed by the caller object the authenticator
 * returned, and not exported from the package, so only core's authenticator puts grants here.
 */
export const presetAccess = new WeakMap<Caller, { access: Access; until: number }>();
