/**
 * Codes raised by the Electron shell of the agent desktop, with the message a person sees.
 * Listed in docs/ERRORS.md ("Agent desktop: Electron shell").
 */
export const ELECTRON_ERRORS = {
  IPC_SENDER_REJECTED:
    'AgentDesk ignored a request that did not come from its own window. Restart AgentDesk; if this happens again, report it.',
  ELECTRON_ENV_INVALID:
    'AgentDesk cannot start: one of its AGENTDESK_ environment variables is invalid. Correct or remove it and start AgentDesk again.',
} as const satisfies Record<string, string>;
