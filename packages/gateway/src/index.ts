export * from './config.js';
export * from './gateway.js';
export * from './http-server.js';
export type { RateLimiterOptions } from './security.js';
export * from './logger.js';
export * from './plugin-loader.js';
export * from './websocket.js';
export * from './schema-contract.js';
export * from './create-plugin.js';
