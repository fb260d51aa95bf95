import type { Migration } from '../migration.js';

/**
 * A rotated API key's old secret may keep working for a grace period (a district app switches
 * its deployments over without an outage): the secret before the last rotation, by its own public
 * prefix, until a time. The revocation notice (0016) already follows `secret_hash`, so every
 * process drops the key from its cache at the rotation and checks both secrets afresh.
 */
export const apiKeyRotationGrace: Migration = {
  name: '0033_api_key_rotation_grace',
  up: `
    ALTER TABLE api_key
      ADD COLUMN previous_prefix text UNIQUE,
      ADD COLUMN previous_secret_hash text,
      ADD COLUMN previous_expires_at timestamptz;
  `,
};
