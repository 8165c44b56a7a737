// The keyboard road to the customer's page: a list of the controls in view, by their labels; the
// agent points at one and, with write mode, presses it or types into it (the same road as a click
// on the mirror: pointer, consent, audit, refusals).
import { useId, useState } from 'react';
import type { MirrorTarget } from './mirror-player.js';

const KIND: Readonly<Record<string, string>> = { a: 'link', button: 'button', select: 'list', textarea: 'text area', summary: 'toggle' };

function describe(target: MirrorTarget): string {
  const kind = target.info.tagName === 'input' ? (target.info.inputType === 'checkbox' || target.info.inputType === 'radio' ? target.info.inputType : 'field') : (KIND[target.info.tagName] ?? 'control');
  const protection = target.protection === 'masked' || target.protection === 'blocked' ? ' (hidden by the website)' : target.protection === 'locked' ? ' (locked by the website)' : '';
  return `${target.label} · ${kind}${protection}`;
}

export function ControlPicker({ granted, list, onUse }: { readonly granted: boolean; readonly list: () => MirrorTarget[]; readonly onUse: (target: MirrorTarget, operate: boolean) => void }) {
  const [open, setOpen] = useState(false);
  const [controls, setControls] = useState<MirrorTarget[]>([]);
  const [chosen, setChosen] = useState<number | null>(null);
  const listId = useId();
  const panelId = useId();
  const target = controls.find((c) => c.nodeId === chosen) ?? controls[0] ?? null;

  function toggle(): void {
    if (!open) {
      const found = list();
      setControls(found);
      setChosen(found[0]?.nodeId ?? null);
    }
    setOpen(!open);
  }

  function close(): void {
    setOpen(false);
  }

  return (
    <div
      className="menu picker"
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open) {
          e.preventDefault();
          close();
        }
      }}
    >
      <button type="button" className="small secondary menu-button" aria-expanded={open} aria-controls={panelId} onClick={toggle}>
        Controls
      </button>
      {open && (
      <div className="menu-items picker-items" id={panelId}>
        <label htmlFor={listId}>Controls on the customer’s page</label>
        {controls.length === 0 ? (
          <p className="hint">No controls in view.</p>
        ) : (
          <select id={listId} size={Math.min(8, Math.max(2, controls.length))} value={target?.nodeId ?? ''} onChange={(e) => setChosen(Number(e.currentTarget.value))}>
            {controls.map((c) => (
              <option key={c.nodeId} value={c.nodeId}>
                {describe(c)}
              </option>
            ))}
          </select>
        )}
        <div className="actions">
          <button
            type="button"
            className="small secondary"
            disabled={!target}
            onClick={() => {
              if (target) onUse(target, false);
            }}
          >
            Point at it
          </button>
          {granted && (
            <button
              type="button"
              className="small primary"
              disabled={!target}
              onClick={() => {
                if (!target) return;
                close();
                onUse(target, true);
              }}
            >
              {target && ['input', 'textarea', 'select'].includes(target.info.tagName) && !['checkbox', 'radio', 'submit', 'button'].includes(target.info.inputType) ? 'Type into it' : 'Press it'}
            </button>
          )}
        </div>
      </div>
      )}
    </div>
  );
}
