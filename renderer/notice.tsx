import type { ReactNode } from 'react';
import type { Tone } from './connection-view.js';

/** A message box. Errors are announced at once (role=alert); other tones politely (role=status). */
export function Notice({ tone, title, children }: { readonly tone: Tone; readonly title?: string; readonly children?: ReactNode }) {
  return (
    <div className={`notice notice-${tone}`} role={tone === 'error' ? 'alert' : 'status'}>
      {title !== undefined && <p className="notice-title">{title}</p>}
      {children}
    </div>
  );
}
