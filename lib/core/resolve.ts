import { IConstruct } from "constructs";
import { DefaultTokenResolver, IPostProcessor, IResolvable, IResolveContext, StringConcat, Token, Tokenization } from "cdktf";

const RESOLVER = new DefaultTokenResolver(new StringConcat());

/** Where an encoded token can hide in text: cdktf's string, list and map markers all contain this. */
const TOKEN_MARKER = "TfToken[";
const STRING_TOKEN_START = "${TfToken[";
const LIST_TOKEN_START = "#{TfToken[";
/**
 * The library's own tokens (lazy values, same-stack references) resolve from their producer alone:
 * `resolveFast` calls them directly and walks what they produce, as cdktf's default token resolver
 * would (resolve, then resolve the result), without its per-key contexts. They register no
 * post-processor and read only `scope`, `preparing`, `suppressBraces` and `iteratorContext`.
 */
const RESOLVES_ALONE = Symbol.for("cdktf-microservice-platform.resolvesAlone");

/** Marks a token of the library as resolving from its producer alone (see `RESOLVES_ALONE`). */
export function resolvesAlone<T extends IResolvable>(token: T): T {
  Object.defineProperty(token, RESOLVES_ALONE, { value: true });
  return token;
}

/** Whether a value is such a token. */
export function isResolvedAlone(value: unknown): value is IResolvable {
  return !!value && typeof value === "object" && RESOLVES_ALONE in value;
}

/** A number token written into text looks like `-1.8881545897087626e+289` (token doubles lie between -1.88e289 and -1.95e289). */
const NUMBER_IN_TEXT = /e\+2\d\d/;

/**
 * What cdktf's resolver returns for `value`, without its cost where nothing needs resolving.
 *
 * cdktf resolves every element of a stack two or three times per synthesis (a preparing pass, then
 * each element, then the whole document), allocating a context and two closures for every key of
 * every object. Most of a platform's attributes are plain data. This walks the tree once, copies
 * plain parts (dropping `undefined`, as the resolver does) and hands cdktf only the parts that can
 * hold a token: text with a token marker, token numbers, objects with `resolve()`, maps with token
 * keys, lists with list tokens. The differential test (test/resolve.test.ts) proves the output of
 * every blueprint and example identical to cdktf's own resolution.
 */
export function resolveFast(scope: IConstruct, value: unknown, preparing: boolean): unknown {
  return traverse(scope, value, preparing, true);
}

/**
 * cdktf's preparing pass over a value (it lets references register cross-stack outputs): every
 * token is resolved with `preparing`, and nothing is copied, since the result is not used.
 */
export function prepareTokens(scope: IConstruct, value: unknown): void {
  traverse(scope, value, true, false);
}

function traverse(scope: IConstruct, value: unknown, preparing: boolean, build: boolean): unknown {
  const slow = (part: unknown) => Tokenization.resolve(part, { scope, preparing, resolver: RESOLVER });
  if (!fast) return slow(value);
  const context: IResolveContext = {
    scope,
    preparing,
    resolve: (x: unknown) => walk(x),
    registerPostProcessor: (_pp: IPostProcessor) => {
      throw new Error("a token marked resolvesAlone registered a post-processor");
    },
  };
  const walk = (part: unknown): unknown => {
    switch (typeof part) {
      case "string":
        if (part.includes(TOKEN_MARKER)) {
          const token = soleToken(part);
          return token ? walk(token.resolve(context)) : slow(part);
        }
        return NUMBER_IN_TEXT.test(part) ? slow(part) : part;
      case "number":
        // Token numbers are encoded as doubles near -1.9e289: only those need the full check.
        return part < -1e288 && Token.isUnresolved(part) ? slow(part) : part;
      case "boolean":
      case "undefined":
      case "bigint":
        return part;
      case "object": {
        if (part === null || part instanceof Date) return part;
        if (Array.isArray(part)) {
          if (part.some(isTokenLeaf)) return slow(part);
          if (!build) {
            for (const element of part) walk(element);
            return undefined;
          }
          const out: unknown[] = [];
          for (const element of part) {
            const resolved = walk(element);
            if (resolved !== undefined) out.push(resolved);
          }
          return out;
        }
        if (isResolvedAlone(part)) return walk(part.resolve(context));
        if (Tokenization.isResolvable(part) || isConstructLike(part)) return slow(part);
        const keys = Object.keys(part);
        if (keys.some((key) => key.includes(TOKEN_MARKER))) return slow(part);
        if (!build) {
          for (const key of keys) walk((part as Record<string, unknown>)[key]);
          return undefined;
        }
        const out: Record<string, unknown> = {};
        for (const key of keys) {
          const resolved = walk((part as Record<string, unknown>)[key]);
          if (resolved !== undefined) out[key] = resolved;
        }
        return out;
      }
      default:
        // Functions and symbols: cdktf's resolver reports them.
        return slow(part);
    }
  };
  return walk(value);
}

const READ_ONLY_ASPECTS = new WeakSet<object>();

/**
 * Marks one of the library's aspects as one that only reads the tree (the policy pack) or only
 * adds new elements (the providers): it changes no element already resolved, so stacks may keep
 * what their preparing pass resolved (see `PlatformStack`).
 */
export function readOnlyAspect<T extends object>(aspect: T): T {
  READ_ONLY_ASPECTS.add(aspect);
  return aspect;
}

/** Whether an aspect was marked with `readOnlyAspect`. */
export function isReadOnlyAspect(aspect: object): boolean {
  return READ_ONLY_ASPECTS.has(aspect);
}

const prepared = new WeakMap<object, unknown>();

/** Keeps what an element resolved to in its stack's preparing pass, for the synthesis that follows. */
export function keepPrepared(element: object, fragment: unknown): void {
  prepared.set(element, fragment);
}

/** Forgets it (the element's stack could not keep it). */
export function forgetPrepared(element: object): void {
  prepared.delete(element);
}

/** What an element resolved to in the preparing pass, if kept; undefined otherwise. */
export function resolvedInPreparation(element: object): unknown {
  return prepared.get(element);
}

let fast = true;

/** Whether stacks use `resolveFast` (and their own assembly); false only in the differential test. */
export function fastResolution(): boolean {
  return fast;
}

/** For the differential test only: resolve and assemble stacks with cdktf's own code (`false`), or fast again. */
export function useFastResolutionForTests(on: boolean): void {
  fast = on;
}

/** The library token a string stands for when it is exactly one encoded token of one, or undefined. */
function soleToken(text: string): IResolvable | undefined {
  if (!text.startsWith(STRING_TOKEN_START) || !text.endsWith("]}") || text.indexOf(STRING_TOKEN_START, 1) >= 0) return undefined;
  const token = Tokenization.reverseString(text).firstToken;
  return isResolvedAlone(token) ? token : undefined;
}

/** A list element that makes cdktf resolve the list as a whole (a list or number-list token). */
function isTokenLeaf(element: unknown): boolean {
  return (typeof element === "string" && element.includes(LIST_TOKEN_START)) || (typeof element === "number" && element < -1e288 && Token.isUnresolved(element));
}

/** A construct in the tree is a programming error cdktf reports with its path. */
function isConstructLike(value: object): boolean {
  return "node" in value && typeof (value as { node?: { path?: unknown } }).node?.path === "string";
}
