// The agent's settings (co-browse server URL, providers added in Settings) in
// <appDataDir>/settings.json. Nothing secret lives here: the agent token and the sign-in are in the
// OS keychain. A file that does not parse is left untouched (nothing lost) and reported.
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { settingsInputSchema, type SettingsInput } from '../../common/api.js';
import { AgentDeskError } from '../../common/errors.js';

export const EMPTY_SETTINGS: SettingsInput = { serverUrl: null, providers: [] };

export function settingsPath(appDataDir: string): string {
  return join(appDataDir, 'settings.json');
}

/** The saved settings; EMPTY_SETTINGS when there is no file yet. CONFIG_INVALID names the field. */
export async function readSettings(path: string): Promise<SettingsInput> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY_SETTINGS;
    throw new AgentDeskError('CONFIG_INVALID', `The settings file ${path} cannot be read.`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new AgentDeskError('CONFIG_INVALID', `The settings file ${path} is not valid JSON; it was left as it is.`, { cause: err });
  }
  const parsed = settingsInputSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue?.path.map(String).join('.') || 'file';
    throw new AgentDeskError('CONFIG_INVALID', `The settings file ${path} is invalid at ${where}: ${issue?.message ?? 'invalid'}. It was left as it is.`);
  }
  return parsed.data;
}

/** Writes atomically (temp file + rename), so a crash mid-write never leaves half a file. */
export async function writeSettings(path: string, settings: SettingsInput): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, path);
}
