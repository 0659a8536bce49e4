// Lint rules: the recommended sets of ESLint and typescript-eslint; the type checker
// runs separately (`npm run lint` calls tsc first).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.stack/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // Request XML is read through s3/xml.ts alone (slices, yields, refused markup):
    // nothing else in the product imports its reader or any XML parser.
    files: ['src/**/*.ts'],
    ignores: ['src/s3/xml.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: ['fast-xml-parser', 'sax', 'saxes'].map((name) => ({ name, message: 'Parse request XML with parseXml from s3/xml.ts.' })),
        patterns: [{ regex: '(^|/)xml-reader\\.js$', message: 'Parse request XML with parseXml from s3/xml.ts.' }],
      }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
  },
);
