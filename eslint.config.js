// Lint rules: the recommended sets of ESLint and typescript-eslint, and the
// design's import boundaries (design.md, "Which may import which"), so a
// violation fails `npm test`. The type checker runs separately (`npm run lint`
// calls tsc first).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const XML = {
  paths: ['fast-xml-parser', 'sax', 'saxes'].map((name) => ({ name, message: 'Parse request XML with parseXml from s3/xml.ts.' })),
  patterns: [{ regex: '(^|/)xml-reader\\.js$', message: 'Parse request XML with parseXml from s3/xml.ts.' }],
};
const HONO = { regex: '^(hono|@hono/.*)$', message: 'Only src/http/ knows Hono.' };
const layer = (names, why) => ({ regex: `^(\\.\\./)+(${names.join('|')})/`, message: why });
const FAMILIES = ['bucket', 'listing', 'object', 'multipart'];

/** One no-restricted-imports rule per area (a later rule for the same files replaces an earlier one, so each carries the XML rule too). */
const restrict = (files, patterns, ignores) => ({
  files,
  ...(ignores ? { ignores } : {}),
  rules: { 'no-restricted-imports': ['error', { paths: XML.paths, patterns: [...XML.patterns, ...patterns] }] },
});

export default tseslint.config(
  { ignores: ['dist/', 'node_modules/', '.stack/', 'bench/results/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  // Request XML is read through s3/xml.ts alone (slices, yields, refused markup);
  // only src/http/ knows Hono.
  restrict(['src/**/*.ts'], [HONO], ['src/s3/xml.ts', 'src/http/**']),
  restrict(['src/http/**/*.ts'], []),
  // s3/ is S3 protocol, swift/ is Swift: neither knows the other, nor anything above them.
  restrict(['src/s3/**/*.ts'], [HONO, layer(['swift', 'operations', 'auth', 'http', 'credentials', 'observe', 'access'], 's3/ speaks S3 only: it imports nothing above it, and never swift/.')], ['src/s3/xml.ts']),
  restrict(['src/swift/**/*.ts'], [HONO, layer(['s3', 'operations', 'auth', 'http', 'credentials', 'observe', 'access'], 'swift/ speaks Swift only: it imports nothing above it, and never s3/.')]),
  // access/ is the access-control model (ACLs, ownership, bucket policies): pure S3 terms, so it imports s3/ only.
  restrict(['src/access/**/*.ts'], [HONO, layer(['swift', 'operations', 'auth', 'http', 'credentials', 'observe'], 'access/ imports s3/ only.')]),
  // auth/ verifies S3 signatures: it imports s3/ only.
  restrict(['src/namespace/**/*.ts'], [HONO, layer(['http', 'credentials', 'observe', 'auth'], 'namespace/ maps bucket names to Swift accounts: it imports swift/, s3/ errors and the port it implements (operations/context.ts).')]),
  restrict(['src/auth/**/*.ts'], [HONO, layer(['swift', 'operations', 'http', 'credentials', 'observe'], 'auth/ imports s3/ only.')]),
  // operations/ translate between s3/ and swift/; they never see HTTP, credentials or logs.
  restrict(['src/operations/**/*.ts'], [HONO, layer(['http', 'credentials', 'observe', 'auth'], 'operations/ import s3/ and swift/ only.')]),
  // ... and no handler family imports another's handlers: what two need lives in common/.
  ...FAMILIES.map((family) => restrict([`src/operations/${family}/**/*.ts`], [
    HONO,
    layer(['http', 'credentials', 'observe', 'auth'], 'operations/ import s3/ and swift/ only.'),
    { regex: `^\\.\\./(${FAMILIES.filter((f) => f !== family).join('|')})/`, message: 'A family imports common/ and its own files, never another family\'s handlers.' },
    { regex: '^\\.\\./(service|index)\\.js$', message: 'A family imports common/ and its own files, never another family\'s handlers.' },
  ])),
  restrict(['src/operations/common/**/*.ts'], [
    HONO,
    layer(['http', 'credentials', 'observe', 'auth'], 'operations/ import s3/ and swift/ only.'),
    { regex: `^\\.\\./(${FAMILIES.join('|')})/`, message: 'common/ serves the families; it imports none of them.' },
    { regex: '^\\.\\./(service|index)\\.js$', message: 'common/ serves the families; it imports none of them.' },
  ]),
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', URL: 'readonly' } },
  },
);
