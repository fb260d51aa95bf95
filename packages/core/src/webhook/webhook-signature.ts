import { createHmac, randomBytes } from 'node:crypto';

/** A new signing secret, as the Standard Webhooks specification writes them: `whsec_` and 32 random bytes in base64. */
export function newWebhookSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * The signature of one delivery attempt with one secret, per the Standard Webhooks
 * specification: `v1,` and the base64 HMAC-SHA256, keyed with the secret's bytes (the base64
 * after `whsec_`), of `<webhook-id>.<webhook-timestamp>.<body>`.
 */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/**
 * The `webhook-signature` header: one signature per secret that signs now, space-separated (the
 * current secret, and during a rotation's grace period the previous one, so receivers that
 * still hold the old secret keep verifying).
 */
export function webhookSignatureHeader(secrets: readonly string[], id: string, timestamp: number, body: string): string {
  return secrets.map((secret) => signWebhook(secret, id, timestamp, body)).join(' ');
}
