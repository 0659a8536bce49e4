// Wildcard patterns and policy variables, the one matcher behind Action,
// Resource, StringLike and ArnLike.
//
// IAM: `*` matches any run of characters (including none, including `/` and
// `:`), `?` exactly one. Policy variables `${aws:username}` are replaced by the
// request's value, only in policies of Version 2012-10-17 (in older ones they
// are literal text); `${*}`, `${?}` and `${$}` stand for a literal `*`, `?`
// and `$`; `${key, 'default'}` gives a value for requests without the key.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html

/** A wildcard in a compiled pattern; every other item is one literal character (a code point). */
export const STAR = 0;
export const ONE = 1;
export type GlobItem = string | typeof STAR | typeof ONE;
export type Glob = readonly GlobItem[];

type Piece =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'star' }
  | { readonly kind: 'one' }
  | { readonly kind: 'var'; readonly key: string; readonly fallback?: string };

export interface Pattern {
  /** The text as written in the policy. */
  readonly source: string;
  readonly pieces: readonly Piece[];
  readonly hasVariables: boolean;
  readonly hasWildcards: boolean;
  /** The compiled glob when the pattern has no variable (the common case), so matching needs no work per request. */
  readonly fixed?: Glob;
}

/** Looks up a request value for `${key}` (key lower-cased); undefined when the request has none. */
export type VariableLookup = (key: string) => string | undefined;

const SURROGATE = /[\uD800-\uDFFF]/;
const VARIABLE = /^\s*([^\s,'}]+)\s*(?:,\s*'([^']*)'\s*)?$/;

/**
 * Compiles policy text. `wildcards`: whether `*` and `?` are wildcards (Action,
 * Resource, StringLike, ArnLike) or plain characters (StringEquals).
 * `variables`: whether `${...}` is a policy variable (Version 2012-10-17).
 */
export function compilePattern(source: string, options: { wildcards: boolean; variables: boolean }): Pattern {
  const pieces: Piece[] = [];
  let text = '';
  const flush = (): void => {
    if (text !== '') pieces.push({ kind: 'text', text });
    text = '';
  };
  for (let i = 0; i < source.length; i++) {
    const char = source[i]!;
    if (options.variables && char === '$' && source[i + 1] === '{') {
      const end = source.indexOf('}', i + 2);
      const inner = end < 0 ? undefined : source.slice(i + 2, end);
      if (inner === '*' || inner === '?' || inner === '$') {
        text += inner;
        i = end;
        continue;
      }
      const parsed = inner === undefined ? null : VARIABLE.exec(inner);
      if (parsed) {
        flush();
        pieces.push({ kind: 'var', key: variableKey(parsed[1]!), ...(parsed[2] === undefined ? {} : { fallback: parsed[2] }) });
        i = end;
        continue;
      }
    }
    if (options.wildcards && (char === '*' || char === '?')) {
      flush();
      pieces.push({ kind: char === '*' ? 'star' : 'one' });
      continue;
    }
    text += char;
  }
  flush();
  const hasVariables = pieces.some((piece) => piece.kind === 'var');
  const hasWildcards = pieces.some((piece) => piece.kind === 'star' || piece.kind === 'one');
  const pattern: Pattern = { source, pieces, hasVariables, hasWildcards };
  return hasVariables ? pattern : { ...pattern, fixed: toGlob(pieces, () => undefined)! };
}

/** Condition key names are case-insensitive; a tag key after the `/` keeps its case (S3 tag keys are case-sensitive). */
export function variableKey(name: string): string {
  const slash = name.indexOf('/');
  return slash < 0 ? name.toLowerCase() : name.slice(0, slash).toLowerCase() + name.slice(slash);
}

/**
 * The glob for one request: variables replaced by their (literal) values.
 * undefined when a variable has neither a request value nor a default: IAM then
 * treats the statement as not applying ("If AWS cannot resolve a variable, this
 * might cause the entire statement to be invalid").
 * `variablesAsStar` (validation only) stands a `*` in for every variable.
 */
export function toGlob(pieces: readonly Piece[], lookup: VariableLookup, variablesAsStar = false): Glob | undefined {
  const items: GlobItem[] = [];
  for (const piece of pieces) {
    if (piece.kind === 'star') items.push(STAR);
    else if (piece.kind === 'one') items.push(ONE);
    else if (piece.kind === 'text') items.push(...Array.from(piece.text));
    else if (variablesAsStar) items.push(STAR);
    else {
      const value = lookup(piece.key) ?? piece.fallback;
      if (value === undefined) return undefined;
      items.push(...Array.from(value));
    }
  }
  return items;
}

/** The glob of a pattern for this request (the precompiled one when it has no variable). */
export function resolve(pattern: Pattern, lookup: VariableLookup): Glob | undefined {
  return pattern.fixed ?? toGlob(pattern.pieces, lookup);
}

/** The pattern's text for this request when it has no wildcard (StringEquals and friends). */
export function resolveText(pattern: Pattern, lookup: VariableLookup): string | undefined {
  const glob = resolve(pattern, lookup);
  return glob === undefined ? undefined : glob.join('');
}

/** Whether the whole input matches the glob (`*` any run, `?` one character). */
export function globMatch(glob: Glob, input: string): boolean {
  // By code point, so `?` is one character; a string without surrogates is indexed as it is (the hot path).
  const chars: ArrayLike<string> = SURROGATE.test(input) ? Array.from(input) : input;
  let p = 0;
  let s = 0;
  let starAt = -1;
  let resumeAt = 0;
  while (s < chars.length) {
    const item = glob[p];
    if (p < glob.length && item !== STAR && (item === ONE || item === chars[s])) {
      p++;
      s++;
    } else if (p < glob.length && item === STAR) {
      starAt = p++;
      resumeAt = s;
    } else if (starAt >= 0) {
      p = starAt + 1;
      s = ++resumeAt;
    } else {
      return false;
    }
  }
  while (p < glob.length && glob[p] === STAR) p++;
  return p === glob.length;
}

/**
 * Whether some string that starts with `prefix` matches the glob. Validation
 * uses it to tell whether a Resource can name objects of the bucket
 * (`arn:aws:s3:::bucket/...`). Whatever is left of the pattern once the prefix
 * is read can always match something, so it is enough that some state survives.
 */
export function globCanMatchPrefix(glob: Glob, prefix: string): boolean {
  let states = closure(glob, new Set([0]));
  for (const char of Array.from(prefix)) {
    const next = new Set<number>();
    for (const p of states) {
      if (p >= glob.length) continue;
      const item = glob[p];
      if (item === STAR) next.add(p);
      else if (item === ONE || item === char) next.add(p + 1);
    }
    states = closure(glob, next);
    if (states.size === 0) return false;
  }
  return true;
}

function closure(glob: Glob, states: Set<number>): Set<number> {
  for (const p of states) {
    if (glob[p] === STAR) states.add(p + 1);
  }
  return states;
}
