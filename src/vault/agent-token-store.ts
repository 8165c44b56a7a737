import { z } from 'zod';
import { AgentDeskError } from '../../common/errors.js';
import { AGENT_TOKEN_PATTERN } from '../../common/protocol.js';
import { AGENT_TOKEN_ACCOUNT } from './keychain-names.js';
import type { SecretStore } from './secret-store.js';

const agentTokenSchema = z.string().regex(AGENT_TOKEN_PATTERN);

/** The shared co-browse agent token, kept in the keychain under its own account. */
export interface AgentTokenStore {
  /** Validates (exactly 26 digits) before saving; AGENT_TOKEN_FORMAT_INVALID otherwise, and nothing is saved. */
  save(token: string): Promise<void>;
  has(): Promise<boolean>;
  /** Main process only: the value goes into the co-browse handshake, nowhere else. */
  read(): Promise<string | null>;
  clear(): Promise<void>;
}

export function createAgentTokenStore(store: SecretStore): AgentTokenStore {
  return {
    async save(token) {
      const parsed = agentTokenSchema.safeParse(token);
      if (!parsed.success) throw new AgentDeskError('AGENT_TOKEN_FORMAT_INVALID');
      await store.set(AGENT_TOKEN_ACCOUNT, parsed.data);
    },
    async has() {
      return (await store.get(AGENT_TOKEN_ACCOUNT)) !== null;
    },
    async read() {
      const value = await store.get(AGENT_TOKEN_ACCOUNT);
      // An entry someone else wrote into our service that is not a token is not handed out.
      return value !== null && agentTokenSchema.safeParse(value).success ? value : null;
    },
    async clear() {
      await store.delete(AGENT_TOKEN_ACCOUNT);
    },
  };
}
