// The Electron shell's own settings, read from the environment rather than argv: the OS launches
// the app with a custom-scheme URL among its arguments, and nothing that arrives that way may
// change what the app trusts (CVE-2018-1000006 class). An administrator or a test sets these.
import { isAbsolute } from 'node:path';
import { z } from 'zod';
import { providerIdSchema, serverUrlSchema } from '../../common/api.js';
import { AgentDeskError } from '../../common/errors.js';

const absolutePath = (name: string) =>
  z
    .string()
    .max(4096, `${name} is too long`)
    .refine((value) => isAbsolute(value), `${name} must be an absolute path`);

const envSchema = z.object({
  AGENTDESK_PROVIDERS_FILE: absolutePath('AGENTDESK_PROVIDERS_FILE').optional(),
  AGENTDESK_SERVER_URL: serverUrlSchema.optional(),
  // An administrator's CA file (PEM): trusted by the co-browse socket besides the built-in list and the OS store.
  AGENTDESK_CA_FILE: absolutePath('AGENTDESK_CA_FILE').optional(),
  // A keychain profile name has the shape of a provider ID: short, lowercase, safe in an account name.
  AGENTDESK_PROFILE: providerIdSchema.optional(),
  AGENTDESK_USER_DATA_DIR: absolutePath('AGENTDESK_USER_DATA_DIR').optional(),
  // Tests and side-by-side development runs: leave the OS's scheme handler (maybe an installed
  // AgentDesk) as it is; sign-in links are then handed over by launching the app with the URL.
  AGENTDESK_SCHEME_REGISTRATION: z.enum(['on', 'off'], { error: 'AGENTDESK_SCHEME_REGISTRATION must be "on" or "off"' }).optional(),
});

export interface ShellConfig {
  /** An administrator's providers file; else `<userData>/providers.json` when it exists. */
  readonly providersFile: string | undefined;
  /** The co-browse server to use until one is set in Settings. */
  readonly defaultServerUrl: string | undefined;
  /** An administrator's CA file (src/trusted-ca-file.ts). */
  readonly caFile: string | undefined;
  readonly profile: string;
  /** Overrides Electron's userData folder (tests, side-by-side profiles). */
  readonly userDataDir: string | undefined;
  /** False: do not register as the OS handler of the sign-in scheme (AGENTDESK_SCHEME_REGISTRATION=off). */
  readonly registerScheme: boolean;
}

/** Reads the AGENTDESK_* variables; ELECTRON_ENV_INVALID names the variable and what is wrong. */
export function readShellConfig(env: Readonly<Record<string, string | undefined>>): ShellConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([key, value]) => key.startsWith('AGENTDESK_') && value !== undefined && value !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'AGENTDESK_*');
    throw new AgentDeskError('ELECTRON_ENV_INVALID', `AgentDesk cannot start: ${name}: ${issue?.message ?? 'invalid'}.`);
  }
  const values = parsed.data;
  return {
    providersFile: values.AGENTDESK_PROVIDERS_FILE,
    defaultServerUrl: values.AGENTDESK_SERVER_URL,
    caFile: values.AGENTDESK_CA_FILE,
    profile: values.AGENTDESK_PROFILE ?? 'default',
    userDataDir: values.AGENTDESK_USER_DATA_DIR,
    registerScheme: values.AGENTDESK_SCHEME_REGISTRATION !== 'off',
  };
}
