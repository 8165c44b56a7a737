// What the agent hears of the session while looking elsewhere: the window title names the session
// and the latest thing that needs them ("Control approved · AgentDesk"), and a desktop notification
// (the web Notification API: Chromium in the browser shell, Electron maps it to the OS's own) plus
// an optional short tone when the customer approves, declines, takes control back, drops or leaves.
import type { ControlState } from '../common/protocol.js';

export const APP_TITLE = 'AgentDesk';
const SOUND_KEY = 'agentdesk.sound';

export type SessionAlert = 'approved' | 'declined' | 'revoked' | 'customer-away' | 'customer-back' | 'ended';

const WORDS: Readonly<Record<SessionAlert, string>> = {
  approved: 'Control approved',
  declined: 'Control declined',
  revoked: 'Customer took control back',
  'customer-away': 'Customer’s page disconnected',
  'customer-back': 'Customer’s page is back',
  ended: 'Session ended',
};

export function alertWords(alert: SessionAlert): string {
  return WORDS[alert];
}

/** The alert a change of write mode raises, if any. */
export function controlAlert(before: ControlState, after: ControlState): SessionAlert | null {
  if (before === after) return null;
  if (after === 'granted') return 'approved';
  if (after === 'declined') return 'declined';
  if (after === 'revoked') return 'revoked';
  return null;
}

/** "Control approved · Session 123 456 789 · AgentDesk"; without an alert, the session alone. */
export function windowTitle(code: string | null, alert: SessionAlert | null): string {
  return [alert ? WORDS[alert] : null, code ? `Session ${code}` : null, APP_TITLE].filter((p) => p !== null).join(' · ');
}

export function soundEnabled(): boolean {
  try {
    return localStorage.getItem(SOUND_KEY) === 'on';
  } catch {
    return false;
  }
}

export function setSoundEnabled(on: boolean): void {
  try {
    localStorage.setItem(SOUND_KEY, on ? 'on' : 'off');
  } catch {
    // Storage refused (private mode): the choice lasts for this page only.
  }
}

/** Asks once for notifications; called from a click (Join), as browsers require a gesture. */
export function askForNotifications(): void {
  if (typeof Notification !== 'undefined' && Notification.permission === 'default') void Notification.requestPermission().catch(() => undefined);
}

/** Tells the agent about `alert` by notification (when allowed) and tone (when chosen). */
export function announce(alert: SessionAlert): void {
  if (typeof Notification !== 'undefined' && Notification.permission === 'granted' && document.visibilityState !== 'visible') {
    try {
      new Notification(WORDS[alert], { tag: 'agentdesk-session', silent: true });
    } catch {
      // A platform without notifications: the title still says it.
    }
  }
  if (soundEnabled()) beep(alert === 'approved' || alert === 'customer-back' ? 880 : 440);
}

let audio: AudioContext | null = null;
function beep(hz: number): void {
  try {
    audio ??= new AudioContext();
    const osc = audio.createOscillator();
    const gain = audio.createGain();
    osc.frequency.value = hz;
    gain.gain.setValueAtTime(0.15, audio.currentTime);
    gain.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.25);
    osc.connect(gain).connect(audio.destination);
    osc.start();
    osc.stop(audio.currentTime + 0.25);
  } catch {
    // No audio output: nothing to play.
  }
}
