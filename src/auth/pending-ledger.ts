import { AgentDeskError } from '../../common/errors.js';
import type { Clock } from './clock.js';

/** One sign-in attempt waiting for the browser. Held in memory only, never persisted or logged. */
export interface PendingLogin {
  readonly state: string;
  readonly providerId: string;
  readonly issuer: string;
  /** The exact redirect URI sent in the authorization request; the callback must match it. */
  readonly redirectUri: string;
  readonly codeVerifier: string;
  /** Present for OpenID Connect providers. */
  readonly nonce: string | null;
  /** Epoch ms after which the attempt is dead. */
  readonly expiresAt: number;
}

export type LedgerLookup =
  | { readonly kind: 'pending'; readonly login: PendingLogin }
  | { readonly kind: 'expired'; readonly login: PendingLogin }
  | { readonly kind: 'unknown' };

/**
 * The pending-request ledger, keyed by `state`. One sign-in at a time; a state can be taken once;
 * an expired state is never handed out as pending.
 */
export class PendingLedger {
  readonly #clock: Clock;
  #current: PendingLogin | null = null;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** The attempt in progress (expired or not), if any. */
  get current(): PendingLogin | null {
    return this.#current;
  }

  /** Registers an attempt; LOGIN_IN_PROGRESS while another live one exists. */
  add(login: PendingLogin): void {
    if (this.#current && this.#current.expiresAt > this.#clock.now()) throw new AgentDeskError('LOGIN_IN_PROGRESS');
    this.#current = login;
  }

  /** Looks a state up without consuming it. */
  find(state: string): LedgerLookup {
    const login = this.#current;
    if (!login || login.state !== state) return { kind: 'unknown' };
    return login.expiresAt > this.#clock.now() ? { kind: 'pending', login } : { kind: 'expired', login };
  }

  /** Consumes the state: after this, the same callback is unknown. */
  take(state: string): LedgerLookup {
    const found = this.find(state);
    if (found.kind !== 'unknown') this.#current = null;
    return found;
  }

  /** Drops the attempt with this state (cancel, timeout). */
  remove(state: string): void {
    if (this.#current?.state === state) this.#current = null;
  }
}
