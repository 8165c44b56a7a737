// Short messages over the mirror (refusals, "control approved", copy confirmations): they overlay
// the workspace and fade, so nothing the agent is about to click moves, and a polite live region
// reads them out.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Tone } from './connection-view.js';

/** Long enough to read two lines; an error stays twice as long. */
export const TOAST_MS = 5_000;
/** Older messages give way: the overlay never covers much of the mirror. */
const MAX_TOASTS = 3;

export interface Toast {
  readonly id: number;
  readonly tone: Tone;
  readonly text: string;
  /** Marks refusals from the customer's page (tests and assistive tech find them). */
  readonly kind?: 'action-problem';
}

export type ShowToast = (toast: Omit<Toast, 'id'>) => void;

export function useToasts(): { readonly toasts: readonly Toast[]; readonly show: ShowToast } {
  const [toasts, setToasts] = useState<readonly Toast[]>([]);
  const next = useRef(1);
  const timers = useRef(new Set<ReturnType<typeof setTimeout>>());
  useEffect(() => {
    const pending = timers.current;
    return () => {
      for (const t of pending) clearTimeout(t);
    };
  }, []);
  const show = useCallback<ShowToast>((toast) => {
    const id = next.current++;
    setToasts((list) => [...list, { ...toast, id }].slice(-MAX_TOASTS));
    const timer = setTimeout(
      () => {
        timers.current.delete(timer);
        setToasts((list) => list.filter((t) => t.id !== id));
      },
      toast.tone === 'error' ? TOAST_MS * 2 : TOAST_MS,
    );
    timers.current.add(timer);
  }, []);
  return { toasts, show };
}

export function Toasts({ toasts }: { readonly toasts: readonly Toast[] }) {
  return (
    <div className="toasts" role="status" aria-live="polite">
      {toasts.map((t) => (
        <p key={t.id} className={`toast tone-${t.tone}`} data-testid={t.kind}>
          {t.text}
        </p>
      ))}
    </div>
  );
}
