// Decides, from the environment, whether `npm run dist` signs and notarizes, and says so plainly
// (docs/RELEASING.md lists the variables). electron-builder reads the same variables itself; this
// step makes an absent or half-set credential visible instead of a silent unsigned build, and
// hands on only the complete, non-empty ones (GitHub gives an unset secret as an empty string,
// which electron-builder would take for a certificate).
//
//   node --import tsx scripts/signing-env.ts   # prints the plan; on GitHub Actions also appends
//                                              # the variables it hands on to $GITHUB_ENV
import { randomBytes } from 'node:crypto';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

type Env = Readonly<Record<string, string | undefined>>;

export interface SigningPlan {
  /** Lines for the build log (GitHub Actions shows `::notice::`/`::error::` lines as annotations). */
  readonly messages: readonly string[];
  /** Variables to set for electron-builder. */
  readonly env: Readonly<Record<string, string>>;
  /** A credential set is incomplete: the build must not go on as if signing were configured. */
  readonly error: boolean;
}

const present = (env: Env, name: string): boolean => (env[name] ?? '').trim() !== '';

/** Which of several all-or-nothing credential sets is complete; names the missing part of a half-set one. */
function credentialSet(env: Env, sets: readonly (readonly string[])[]): { complete: readonly string[] | null; partial: string | null } {
  for (const set of sets) if (set.every((name) => present(env, name))) return { complete: set, partial: null };
  for (const set of sets) {
    const have = set.filter((name) => present(env, name));
    if (have.length > 0) return { complete: null, partial: `${have.join(', ')} set but ${set.filter((n) => !have.includes(n)).join(', ')} missing` };
  }
  return { complete: null, partial: null };
}

export const MAC_SIGNING = [['CSC_LINK', 'CSC_KEY_PASSWORD'], ['CSC_NAME']] as const;
export const MAC_NOTARIZATION = [
  ['APPLE_API_KEY', 'APPLE_API_KEY_ID', 'APPLE_API_ISSUER'],
  ['APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID'],
  // APPLE_KEYCHAIN (optional) names the keychain that holds this notarytool profile.
  ['APPLE_KEYCHAIN_PROFILE'],
] as const;
export const WINDOWS_SIGNING = [['WIN_CSC_LINK', 'WIN_CSC_KEY_PASSWORD']] as const;

export function signingPlan(platform: NodeJS.Platform, env: Env): SigningPlan {
  const messages: string[] = [];
  const out: Record<string, string> = {};
  let error = false;
  if (platform === 'darwin') {
    const signing = credentialSet(env, MAC_SIGNING);
    if (signing.partial !== null) {
      messages.push(`::error::macOS signing misconfigured: ${signing.partial} (docs/RELEASING.md)`);
      error = true;
    } else if (signing.complete === null) {
      // Without this electron-builder searches the login keychain for any identity it can find.
      out.CSC_IDENTITY_AUTO_DISCOVERY = 'false';
      messages.push(
        '::notice::macOS signing skipped: CSC_LINK/CSC_KEY_PASSWORD (or CSC_NAME) not set. The app is signed ad hoc after the fuse flip (electronFuses.resetAdHocDarwinSignature): it starts on this Mac, Gatekeeper will refuse it elsewhere.',
      );
    } else {
      for (const name of signing.complete) out[name] = env[name]!;
      messages.push(`macOS signing: identity from ${signing.complete.join(' + ')}`);
    }
    const notarization = credentialSet(env, MAC_NOTARIZATION);
    if (notarization.partial !== null) {
      messages.push(`::error::macOS notarization misconfigured: ${notarization.partial} (docs/RELEASING.md)`);
      error = true;
    } else if (notarization.complete === null || signing.complete === null) {
      messages.push(
        `::notice::macOS notarization skipped: ${signing.complete === null ? 'the app is not signed with a Developer ID' : 'no APPLE_API_KEY/APPLE_API_KEY_ID/APPLE_API_ISSUER, APPLE_ID/APPLE_APP_SPECIFIC_PASSWORD/APPLE_TEAM_ID or APPLE_KEYCHAIN_PROFILE'}.`,
      );
    } else {
      for (const name of notarization.complete) out[name] = env[name]!;
      if (present(env, 'APPLE_KEYCHAIN')) out.APPLE_KEYCHAIN = env.APPLE_KEYCHAIN!;
      messages.push(`macOS notarization: ${notarization.complete.join(' + ')}`);
    }
  } else if (platform === 'win32') {
    const signing = credentialSet(env, WINDOWS_SIGNING);
    if (signing.partial !== null) {
      messages.push(`::error::Windows signing misconfigured: ${signing.partial} (docs/RELEASING.md)`);
      error = true;
    } else if (signing.complete === null) {
      messages.push('::notice::Windows signing skipped: WIN_CSC_LINK/WIN_CSC_KEY_PASSWORD not set. The installer and app are unsigned; SmartScreen will warn.');
    } else {
      for (const name of signing.complete) out[name] = env[name]!;
      messages.push(`Windows signing: certificate from ${signing.complete.join(' + ')}`);
    }
  } else {
    messages.push('Linux: AppImage and deb are not signed by electron-builder (sign the repository that serves the deb instead).');
  }
  return { messages, env: out, error };
}

function main(): void {
  const env: Record<string, string | undefined> = { ...process.env };
  // notarytool wants the App Store Connect key as a file; a CI secret holds its text.
  const keyText = env.APPLE_API_KEY_P8 ?? '';
  if (keyText.trim() !== '' && env.RUNNER_TEMP) {
    const keyFile = join(env.RUNNER_TEMP, 'agentdesk-notarytool.p8');
    writeFileSync(keyFile, keyText, { mode: 0o600 });
    env.APPLE_API_KEY = keyFile;
  }
  const plan = signingPlan(process.platform, env);
  for (const line of plan.messages) console.log(line);
  const githubEnv = env.GITHUB_ENV;
  if (githubEnv !== undefined && githubEnv !== '') {
    for (const [name, value] of Object.entries(plan.env)) {
      // The multi-line form, so a value cannot end the line and set another variable.
      const delimiter = `AGENTDESK_${randomBytes(16).toString('hex')}`;
      appendFileSync(githubEnv, `${name}<<${delimiter}\n${value}\n${delimiter}\n`);
    }
  }
  if (plan.error) process.exitCode = 1;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === import.meta.filename) main();
