// What a co-browse server says it accepts from agents, at GET /cobrowse/rest/agent-auth: the
// desktop sends an access token only to a server that asks for one from the agent's issuer.
import { z } from 'zod';

export const AGENT_AUTH_PATH = '/cobrowse/rest/agent-auth';

const agentTokenPolicy = z.enum(['compatible', 'required']);

// Not strict: a newer server may say more; the desktop reads what it knows.
export const agentAuthDocumentSchema = z.discriminatedUnion('identity', [
  z.object({ identity: z.literal('none'), agentToken: agentTokenPolicy }),
  z.object({
    identity: z.literal('required'),
    agentToken: agentTokenPolicy,
    /** The issuer whose access tokens the server verifies. */
    issuer: z.string().min(1).max(2048),
    /** The `aud` it expects. */
    audience: z.string().min(1).max(2048),
    /** When present, the token's client_id/azp must be one of these. */
    clientIds: z.array(z.string().min(1).max(256)).max(20).optional(),
  }),
]);

export type AgentAuthDocument = z.infer<typeof agentAuthDocumentSchema>;
