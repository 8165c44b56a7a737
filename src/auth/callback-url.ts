import { AgentDeskError } from '../../common/errors.js';
import { CALLBACK_URL_MAX_LENGTH } from '../limits.js';

// The authorization-response parameters AgentDesk accepts. Besides RFC 6749/9207 ones, providers add
// a few harmless extras: session_state (OIDC Session Management: Entra, Keycloak) and Google's
// scope, authuser, prompt and hd. Anything else means the URL is not a response to our request.
const ACCEPTED = new Set(['code', 'state', 'iss', 'error', 'error_description', 'error_uri', 'session_state', 'scope', 'authuser', 'prompt', 'hd']);

/** A callback URL that has the expected shape; nothing in it is trusted yet. */
export interface CallbackParams {
  /** The URL without query: compared exactly with the redirect URI that was sent. */
  readonly redirectBase: string;
  readonly url: URL;
  readonly state: string;
  readonly code: string | null;
  readonly iss: string | null;
  readonly error: string | null;
  readonly errorDescription: string | null;
}

function invalid(why: string): AgentDeskError {
  return new AgentDeskError('CALLBACK_INVALID', `AgentDesk received a sign-in link it does not expect (${why}). It was ignored.`);
}

/** The redirect URI of a callback: everything but the query (and a fragment must not exist). */
export function redirectBaseOf(url: URL): string {
  const copy = new URL(url.href);
  copy.search = '';
  copy.hash = '';
  return copy.href;
}

/**
 * Checks a callback URL's shape: length, parse, no fragment or user info, its base one of the
 * redirect URIs we accept, only known parameters, each once, and a `state`. CALLBACK_INVALID otherwise.
 */
export function parseCallbackUrl(raw: string, acceptedBases: ReadonlySet<string>): CallbackParams {
  if (raw.length > CALLBACK_URL_MAX_LENGTH) throw invalid('too long');
  if (!URL.canParse(raw)) throw invalid('not a URL');
  const url = new URL(raw);
  if (url.hash !== '' || raw.includes('#')) throw invalid('fragment present');
  if (url.username !== '' || url.password !== '') throw invalid('user info present');
  const redirectBase = redirectBaseOf(url);
  if (!acceptedBases.has(redirectBase)) throw invalid('wrong address');
  const seen = new Set<string>();
  for (const name of url.searchParams.keys()) {
    if (!ACCEPTED.has(name)) throw invalid('unexpected parameter');
    if (seen.has(name)) throw invalid('repeated parameter');
    seen.add(name);
  }
  const state = url.searchParams.get('state');
  if (!state) throw invalid('no state');
  const code = url.searchParams.get('code');
  const error = url.searchParams.get('error');
  if (!code && !error) throw invalid('neither code nor error');
  if (code && error) throw invalid('both code and error');
  return {
    redirectBase,
    url,
    state,
    code,
    iss: url.searchParams.get('iss'),
    error,
    errorDescription: url.searchParams.get('error_description'),
  };
}
