// Lint for the whole workspace: typescript-eslint with type information, so promises that are
// neither awaited nor handled and values typed `any` flowing into typed code are caught.
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      'packages/gateway/bundle/**',
      '**/node_modules/**',
      '.data/**',
      'bench/results/**',
      'packages/gateway/test/fixtures/**',
      'packages/gateway/test/artifacts*/**',
      'packages/gateway/public/**',
      // Generated from the schema by examples/district-app/codegen.mjs (a test checks it is current).
      'examples/*/src/gql/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      globals: globals.node,
      parserOptions: {
        project: ['./packages/*/tsconfig.json', './examples/*/tsconfig.json', './tsconfig.tests.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    rules: {
      // TypeScript itself reports undefined names.
      'no-undef': 'off',
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { arguments: false } }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // Empty interfaces are the declaration-merging points plugins extend (GongzhiEvents,
      // GongzhiServices); empty object *types* (`{}`) stay refused.
      '@typescript-eslint/no-empty-object-type': ['error', { allowInterfaces: 'always' }],
    },
  },
  {
    // Tests read GraphQL answers, which are untyped JSON: typing every answer would add nothing.
    files: ['packages/*/test/**/*.ts', 'examples/*/test/**/*.ts', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
    },
  },
  {
    // The testing kit hands tests their GraphQL answers, typed `any` by default for the reason
    // above; its own code is still held to the unsafe-* rules.
    files: ['packages/*/src/testing/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  {
    // Scripts without type information (the benchmark runner, Jest's setup): the syntax rules only.
    files: ['**/*.js', '**/*.mjs'],
    ...tseslint.configs.disableTypeChecked,
    rules: { ...tseslint.configs.disableTypeChecked.rules, 'no-undef': 'error' },
  },
);
