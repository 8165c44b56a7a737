// The snippet's configuration: the script tag's data-server, and an optional page object
// `window.AgentDeskCobrowseConfig` set before the tag. Both come from the customer's site and
// are parsed here; a masking rule that is not valid CSS stops co-browse on the page instead of
// silently masking nothing.
import * as z from 'zod/mini';
import { MAX_MASK_RULES, MAX_SELECTORS_PER_RULE } from './limits.js';

const selector = z.string().check(z.minLength(1), z.maxLength(500));
const selectors = z.array(selector).check(z.maxLength(MAX_SELECTORS_PER_RULE));
const maskRule = z.strictObject({
  /** `*` matches any run of characters; compared with the page URL without query or fragment. */
  urlPattern: z.string().check(z.minLength(1), z.maxLength(500)),
  selectors: selectors.check(z.minLength(1)),
});

const pageConfigSchema = z.strictObject({
  server: z.optional(z.url()),
  /** Genesys "DOM restrictions": per URL pattern, elements whose text and values are masked. */
  maskRules: z.optional(z.array(maskRule).check(z.maxLength(MAX_MASK_RULES))),
  /** Elements replaced by an empty box of the same size, on every page. */
  blockSelectors: z.optional(selectors),
  /** Elements the agent may never operate, besides submit buttons and data-cobrowse-lock. */
  lockSelectors: z.optional(selectors),
  /**
   * "strict" (recommended for regulated sites): every text and every field is masked unless it
   * is under data-cobrowse-unmask or one of unmaskSelectors; the layout stays.
   */
  privacy: z.optional(z.enum(['standard', 'strict'])),
  /** Strict mode only: subtrees the agent may read. */
  unmaskSelectors: z.optional(selectors),
  /** Query parameters of the page URL the agent may see (all others, and the fragment, never leave). */
  allowQueryParams: z.optional(z.array(z.string().check(z.minLength(1), z.maxLength(100))).check(z.maxLength(MAX_SELECTORS_PER_RULE))),
});

export type MaskRule = z.infer<typeof maskRule>;

export interface SnippetConfig {
  /** http(s) origin of the co-browse server, no trailing slash. */
  readonly server: string;
  readonly maskRules: readonly MaskRule[];
  readonly blockSelectors: readonly string[];
  readonly lockSelectors: readonly string[];
  readonly privacy: 'standard' | 'strict';
  readonly unmaskSelectors: readonly string[];
  readonly allowQueryParams: readonly string[];
}

export type ConfigResult = { readonly ok: true; readonly config: SnippetConfig } | { readonly ok: false; readonly problem: string };

function validSelector(value: string): boolean {
  try {
    document.createDocumentFragment().querySelector(value);
    return true;
  } catch {
    return false;
  }
}

export function readConfig(script: HTMLScriptElement | null, pageObject: unknown): ConfigResult {
  const parsed = pageConfigSchema.safeParse(pageObject ?? {});
  if (!parsed.success) return { ok: false, problem: `AgentDeskCobrowseConfig is not valid: ${parsed.error.issues[0]?.message ?? 'unknown field'}` };
  const page = parsed.data;
  const fromTag = script?.dataset.server ?? (script?.src ? new URL(script.src).origin : undefined);
  const server = page.server ?? fromTag;
  if (!server) return { ok: false, problem: 'the co-browse server is not known: set data-server on the script tag' };
  let origin: string;
  try {
    const url = new URL(server);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('scheme');
    origin = url.origin;
  } catch {
    return { ok: false, problem: `the co-browse server address is not an http(s) URL: ${server}` };
  }
  const selectors = [...(page.maskRules ?? []).flatMap((r) => r.selectors), ...(page.blockSelectors ?? []), ...(page.lockSelectors ?? []), ...(page.unmaskSelectors ?? [])];
  const bad = selectors.find((s) => !validSelector(s));
  if (bad !== undefined) return { ok: false, problem: `a co-browse selector is not valid CSS: ${bad}` };
  return {
    ok: true,
    config: {
      server: origin,
      maskRules: page.maskRules ?? [],
      blockSelectors: page.blockSelectors ?? [],
      lockSelectors: page.lockSelectors ?? [],
      privacy: page.privacy ?? 'standard',
      unmaskSelectors: page.unmaskSelectors ?? [],
      allowQueryParams: page.allowQueryParams ?? [],
    },
  };
}

/** Whether a wildcard pattern (`*` = any characters) matches the whole URL. */
export function urlMatches(pattern: string, url: string): boolean {
  const parts = pattern.split('*');
  if (parts.length === 1) return pattern === url;
  const first = parts[0] ?? '';
  const last = parts[parts.length - 1] ?? '';
  if (!url.startsWith(first) || !url.endsWith(last) || url.length < first.length + last.length) return false;
  let at = first.length;
  const end = url.length - last.length;
  for (const middle of parts.slice(1, -1)) {
    const found = url.indexOf(middle, at);
    if (found === -1 || found + middle.length > end) return false;
    at = found + middle.length;
  }
  return true;
}

/** The page address the snippet matches rules against: no query, no fragment. */
export function pageAddress(location: Pick<Location, 'origin' | 'pathname'>): string {
  return `${location.origin}${location.pathname}`;
}

/**
 * A page address as it may travel to the agent (page messages, rrweb's Meta event, audit): no
 * fragment, and only the query parameters the site's config names. Anything unparsable is dropped.
 */
export function shareableAddress(href: string, allowQueryParams: readonly string[]): string {
  let url: URL;
  try {
    url = new URL(href);
  } catch {
    return '';
  }
  const kept = new URLSearchParams();
  for (const [name, value] of url.searchParams) if (allowQueryParams.includes(name)) kept.append(name, value);
  const query = kept.toString();
  return `${url.origin}${url.pathname}${query ? `?${query}` : ''}`;
}
