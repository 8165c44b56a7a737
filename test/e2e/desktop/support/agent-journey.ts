// Steps an agent takes in the browser shell, shared by the end-to-end tests: sign in through the
// provider's page in a second browser context that plays the system browser, and screenshots.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from '@playwright/test';
import keytar from 'keytar';
import { keychainService, providerAccount } from '../../../../src/vault/keychain-names.js';
import { REPO_ROOT } from '../../../integration/server/helpers/server-process.js';
import { AGENT, CUSTOMER_ORIGIN, PROVIDER_LABEL, type DesktopStack } from './desktop-stack.js';

/** Saves `test-results/e2e/<suite>/<step>.png` (kept by CI as the record of each step). */
export function screenshots(suite: string): (page: Page, step: string) => Promise<void> {
  const dir = join(REPO_ROOT, 'test-results', 'e2e', suite);
  mkdirSync(dir, { recursive: true });
  return async (page, step) => {
    await page.screenshot({ path: join(dir, `${step}.png`), fullPage: true });
  };
}

/** Opens the agent desktop's UI as the agent would, at the smallest supported window size. */
export async function openAgentDesktop(browser: Browser, stack: DesktopStack): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1024, height: 640 } });
  const page = await context.newPage();
  await page.goto(stack.desktopUrl);
  return page;
}

/**
 * Presses "Sign in", signs in on the provider's page in the "system browser", and delivers the
 * redirect the way the OS would: a custom-scheme URL by launching `agentdesk <url>`, a loopback
 * redirect by the browser itself. Returns the system-browser page where the flow ended.
 */
export async function signInThroughSystemBrowser(browser: Browser, stack: DesktopStack, page: Page, mode: 'custom-scheme' | 'loopback'): Promise<Page> {
  await page.getByRole('button', { name: `Sign in with ${PROVIDER_LABEL}` }).click();
  await page.getByRole('timer').waitFor();
  const authorizationUrl = await stack.nextBrowserUrl();
  const system = await (await browser.newContext()).newPage();
  await system.goto(authorizationUrl);
  await system.getByLabel('Email').fill(AGENT.email);
  await system.getByLabel('Password').fill(AGENT.password);
  if (mode === 'custom-scheme') {
    const redirected = system.waitForRequest((r) => r.url().startsWith('com.agentdesk.desktop:'), { timeout: 15_000 });
    await system.getByRole('button', { name: 'Sign in' }).click().catch(() => undefined);
    const callback = (await redirected).url();
    const handOver = await stack.launchWithUrl(callback);
    if (handOver.code !== 0 || !handOver.stdout.includes('already running')) {
      throw new Error(`the second launch did not hand the URL over (exit ${handOver.code}): ${handOver.stdout}`);
    }
  } else {
    await system.getByRole('button', { name: 'Sign in' }).click();
    await system.getByText('Return to AgentDesk').waitFor();
  }
  await page.locator('.agent-email', { hasText: AGENT.email }).waitFor();
  return system;
}

/** The sign-in entries of this provider in the real Secret Service (never their values). */
export async function signInEntries(stack: DesktopStack): Promise<string[]> {
  const credentials = await keytar.findCredentials(keychainService(stack.keychainProfile));
  const prefix = providerAccount('demo', 'agentdesk-e2e');
  return credentials.map((c) => c.account).filter((a) => a.startsWith(prefix));
}

/** Polls the keychain until `check` holds for its sign-in entries (writes land just after the UI updates). */
export async function waitForSignInEntries(stack: DesktopStack, check: (accounts: string[]) => boolean, timeoutMs = 5_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  let accounts = await signInEntries(stack);
  while (!check(accounts) && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    accounts = await signInEntries(stack);
  }
  return accounts;
}

export async function createCustomerSession(serverUrl: string): Promise<{ code: string; sessionId: string }> {
  const response = await fetch(`${serverUrl}/cobrowse/rest/sessions`, { method: 'POST', headers: { origin: CUSTOMER_ORIGIN } });
  if (response.status !== 201) throw new Error(`session creation failed: ${response.status} ${await response.text()}`);
  return (await response.json()) as { code: string; sessionId: string };
}
