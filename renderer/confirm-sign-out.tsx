// The session bar's "Sign out…" question: signing out mid-session ends the session first.
import { useEffect, useRef } from 'react';

export function ConfirmSignOut({ onCancel, onConfirm }: { readonly onCancel: () => void; readonly onConfirm: () => void }) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
  }, []);
  return (
    <dialog ref={ref} className="confirm" aria-labelledby="confirm-title" onCancel={onCancel}>
      <h2 id="confirm-title">End the session and sign out?</h2>
      <p>The customer is told that you ended the session.</p>
      <div className="actions">
        <button type="button" className="danger" onClick={onConfirm}>
          End session and sign out
        </button>
        <button type="button" className="secondary" autoFocus onClick={onCancel}>
          Stay in the session
        </button>
      </div>
    </dialog>
  );
}
