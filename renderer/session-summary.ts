// A short account of a session for the agent once it ends: how long it lasted, how many pages the
// customer went through and how often write mode changed hands.
import type { SessionState } from '../common/api.js';
import type { ControlState } from '../common/protocol.js';

export interface SessionSummary {
  readonly sessionId: string;
  readonly joinedAt: number;
  readonly pages: readonly string[];
  readonly modeChanges: number;
  readonly endedAt: number | null;
  /** Write mode as last seen, to count its changes. */
  readonly lastControl: ControlState;
}

/** Folds one state into the summary of its session (a new session starts a new summary). */
export function summarize(summary: SessionSummary | null, session: SessionState): SessionSummary | null {
  if (session.status === 'joined' || session.status === 'reconnecting') {
    const current: SessionSummary =
      summary?.sessionId === session.sessionId ? summary : { sessionId: session.sessionId, joinedAt: session.joinedAt, pages: [], modeChanges: 0, endedAt: null, lastControl: session.control };
    const url = session.page?.url;
    const pages = url && !current.pages.includes(url) ? [...current.pages, url] : current.pages;
    const modeChanges = current.modeChanges + (current.lastControl !== session.control ? 1 : 0);
    if (pages === current.pages && modeChanges === current.modeChanges) return current;
    return { ...current, pages, modeChanges, lastControl: session.control };
  }
  if (session.status === 'ended' && summary?.sessionId === session.sessionId && summary.endedAt === null) return { ...summary, endedAt: session.endedAt };
  return summary;
}

export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}` : `${m}:${String(s).padStart(2, '0')}`;
}

/** "Lasted 4:12 · 2 pages · 3 mode changes". */
export function describeSummary(summary: SessionSummary): string {
  const lasted = summary.endedAt === null ? '' : `Lasted ${formatDuration(summary.endedAt - summary.joinedAt)} · `;
  const pages = summary.pages.length;
  return `${lasted}${pages} page${pages === 1 ? '' : 's'} · ${summary.modeChanges} mode change${summary.modeChanges === 1 ? '' : 's'}`;
}

/** Where the summary of the current session survives a reload of the window (sessionStorage). */
export const SUMMARY_STORAGE_KEY = 'agentdesk.session-summary';

type SummaryStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

const CONTROL_STATES: readonly ControlState[] = ['none', 'requested', 'granted', 'declined', 'revoked'];

/** The summary a reloaded window had kept, or null (none, unreadable, or storage refused). */
export function loadSummary(storage: SummaryStorage | null): SessionSummary | null {
  try {
    const raw = storage?.getItem(SUMMARY_STORAGE_KEY);
    if (!raw) return null;
    const v = JSON.parse(raw) as Partial<Record<keyof SessionSummary, unknown>>;
    const ok =
      typeof v.sessionId === 'string' &&
      typeof v.joinedAt === 'number' &&
      Array.isArray(v.pages) &&
      v.pages.every((p) => typeof p === 'string') &&
      typeof v.modeChanges === 'number' &&
      (v.endedAt === null || typeof v.endedAt === 'number') &&
      CONTROL_STATES.includes(v.lastControl as ControlState);
    return ok ? (v as unknown as SessionSummary) : null;
  } catch {
    return null;
  }
}

export function saveSummary(storage: SummaryStorage | null, summary: SessionSummary | null): void {
  try {
    if (summary) storage?.setItem(SUMMARY_STORAGE_KEY, JSON.stringify(summary));
    else storage?.removeItem(SUMMARY_STORAGE_KEY);
  } catch {
    // Storage refused (quota, privacy mode): the summary lives for this page only.
  }
}
