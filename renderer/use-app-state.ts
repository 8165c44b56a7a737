import { useEffect, useState } from 'react';
import type { AgentDeskApi, AppState, UiError } from '../common/api.js';

/** The bridge, or null when the page runs outside AgentDesk (no preload, no browser-shell client). */
export function getBridge(): AgentDeskApi | null {
  return window.agentdesk ?? null;
}

/** The latest `AppState` pushed by the main process, with the error of the first load if any. */
export function useAppState(api: AgentDeskApi): { readonly state: AppState | null; readonly loadError: UiError | null } {
  const [state, setState] = useState<AppState | null>(null);
  const [loadError, setLoadError] = useState<UiError | null>(null);
  useEffect(() => {
    let live = true;
    const off = api.onStateChange((next) => {
      if (live) setState(next);
    });
    void api.getState().then((result) => {
      if (!live) return;
      // A pushed state may already be newer than this answer: keep it.
      if (result.ok) setState((current) => current ?? result.value);
      else setLoadError(result.error);
    });
    return () => {
      live = false;
      off();
    };
  }, [api]);
  return { state, loadError };
}

/** Re-renders every `intervalMs` while `active`, returning the current time (for countdowns). */
export function useNow(active: boolean, intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return undefined;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [active, intervalMs]);
  return now;
}
