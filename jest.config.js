/**
 * One Jest run for the whole workspace. Test files run in parallel workers, each creating
 * its own throw-away database on one embedded PostgreSQL server started in globalSetup.
 */
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      target: 'es2023',
      keepClassNames: true,
    },
    module: { type: 'es6' },
    sourceMaps: 'inline',
  },
];

export default {
  testEnvironment: 'node',
  roots: ['<rootDir>/packages', '<rootDir>/examples'],
  testMatch: ['**/test/**/*.test.ts'],
  // Packages the tests make on the fly (a scaffolded plugin) run their own tests.
  testPathIgnorePatterns: ['/node_modules/', '/artifacts'],
  // The server bundle (7 MB of compiled code) is nothing Jest needs to index.
  modulePathIgnorePatterns: ['<rootDir>/packages/gateway/bundle/'],
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@gongzhi/([a-z-]+)$': '<rootDir>/packages/$1/src/index.ts',
    '^@gongzhi/([a-z-]+)/testing$': '<rootDir>/packages/$1/src/testing/index.ts',
    '^@gongzhi/([a-z-]+)/startup$': '<rootDir>/packages/$1/src/startup.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  globalSetup: '<rootDir>/jest.global-setup.js',
  globalTeardown: '<rootDir>/jest.global-teardown.js',
  testTimeout: 60_000,
  // "A worker process has failed to exit gracefully" can follow a green run on small VMs: no
  // handle is left open (a worker reaches its exit in ~2 ms), but freeing a worker's ~650 MB
  // can take the kernel longer than the 0.5 s Jest waits. Measured: docs/testing.md.
  maxWorkers: 2,
};
