export * from './config.js';
export * from './gateway.js';
export * from './http-server.js';
export type { RateLimiterOptions } from './security.js';
export * from './logger.js';
export { GatewayMetrics, type MetricsSources, type Outcome, type Transport } from './metrics.js';
export * from './plugin-loader.js';
export { GatewayTracing, type TracingOptions } from './tracing.js';
export * from './websocket.js';
export * from './schema-contract.js';
export * from './create-plugin.js';
export {
  documentHash,
  listDocuments,
  type ManifestEntry,
  parseManifest,
  registerDocuments,
  revokeDocuments,
  TRUSTED_DOCUMENTS_MODES,
  TrustedDocuments,
  type TrustedDocumentsMode,
} from './trusted-documents.js';
export { gatewayMessages, open311Messages } from './messages.js';
