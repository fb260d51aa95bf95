import { coreMessages } from '../i18n/core-messages.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Checks an address given as input (a webhook's receiver, a photo's picture): an absolute https
 * URL of at most 2,000 characters without a user name or password, or plain http to a loopback
 * address (tests, development) when the process is not in production (`NODE_ENV=production`).
 * Refusals name `field` and show `example`. Returns the URL as normalized.
 */
export function checkHttpsUrl(given: string, field: string, example: string, production = process.env.NODE_ENV === 'production'): string {
  let url: URL;
  try {
    url = new URL(given.trim());
  } catch {
    throw coreMessages.urlNotUrl.error({ field, example }, field);
  }
  if (given.length > 2000) throw coreMessages.urlTooLong.error({ field }, field);
  if (url.username || url.password) throw coreMessages.urlCredentials.error({ field }, field);
  if (url.protocol === 'https:') return url.toString();
  if (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)) {
    if (production) throw coreMessages.urlHttpsInProduction.error({ field }, field);
    return url.toString();
  }
  throw coreMessages.urlHttps.error({ field, given: `${url.protocol}//${url.host}` }, field);
}
