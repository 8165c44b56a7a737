import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type MouseEvent } from 'react';
import 'rrweb/dist/style.css';
import type { AgentDeskApi, ApiResult, LiveSession, UiError } from '../common/api.js';
import { formatLag } from './lag.js';
import { MirrorPlayer, type MirrorStatus, type MirrorTarget } from './mirror-player.js';
import type { PageStream } from './page-stream.js';
import { clickIntent, type ClickIntent } from './write-mode.js';

/** How often the view re-reads the customer's scroll position. */
const SCROLL_POLL_MS = 250;
/** How long the agent's own click marker stays on the mirror. */
const POINT_MARK_MS = 900;
/** The mirror is never scaled below this height, however short the window. */
const MIN_MIRROR_HEIGHT = 240;

interface Editor {
  readonly nodeId: number;
  readonly kind: Extract<ClickIntent, 'edit-text' | 'edit-multiline' | 'edit-select'>;
  readonly value: string;
  readonly options: MirrorTarget['options'];
  readonly label: string;
  readonly inputType: string;
}

export interface MirrorViewProps {
  readonly api: AgentDeskApi;
  readonly session: LiveSession;
  readonly stream: PageStream;
  /** Problems of the agent's own calls (pointer, action), shown by the session view. */
  readonly onCallError: (error: UiError | null) => void;
  readonly onStatus: (status: MirrorStatus) => void;
}

export function MirrorView({ api, session, stream, onCallError, onStatus }: MirrorViewProps) {
  const frameRef = useRef<HTMLDivElement>(null);
  const stageRef = useRef<HTMLDivElement>(null);
  const playerRef = useRef<MirrorPlayer | null>(null);
  const [status, setStatus] = useState<MirrorStatus | null>(null);
  const [scale, setScale] = useState(1);
  const [mark, setMark] = useState<{ x: number; y: number; key: number } | null>(null);
  const [editor, setEditor] = useState<Editor | null>(null);
  const onStatusRef = useRef(onStatus);
  onStatusRef.current = onStatus;

  // One player per mounted view, fed by the page stream (the kept frames first).
  useEffect(() => {
    const stage = stageRef.current;
    if (!stage) return undefined;
    const player = new MirrorPlayer(stage, (s) => {
      setStatus(s);
      onStatusRef.current(s);
    });
    playerRef.current = player;
    const off = stream.subscribe((frame) => player.push(frame));
    const poll = setInterval(() => player.refresh(), SCROLL_POLL_MS);
    return () => {
      off();
      clearInterval(poll);
      player.destroy();
      playerRef.current = null;
    };
  }, [stream]);

  const clockOffsetMs = session.timing?.clockOffsetMs ?? null;
  useEffect(() => {
    if (clockOffsetMs !== null) playerRef.current?.clockOffsetKnown(clockOffsetMs);
  }, [clockOffsetMs]);

  const viewport = status?.viewport ?? null;

  // Fit the customer's viewport into the space the window leaves, never enlarging it.
  useLayoutEffect(() => {
    const frame = frameRef.current;
    if (!frame || !viewport) return undefined;
    const fit = () => {
      const available = frame.parentElement?.clientWidth ?? viewport.width;
      const top = frame.getBoundingClientRect().top;
      const height = Math.max(MIN_MIRROR_HEIGHT, window.innerHeight - Math.max(0, top) - 24);
      setScale(Math.min(1, available / viewport.width, height / viewport.height));
    };
    fit();
    const observer = new ResizeObserver(fit);
    if (frame.parentElement) observer.observe(frame.parentElement);
    window.addEventListener('resize', fit);
    return () => {
      observer.disconnect();
      window.removeEventListener('resize', fit);
    };
  }, [viewport]);

  // Write mode ended: close the editor, nothing more may be typed.
  useEffect(() => {
    if (session.control !== 'granted') setEditor(null);
  }, [session.control]);

  function report(result: ApiResult<unknown>): void {
    onCallError(result.ok ? null : result.error);
  }

  function onClick(event: MouseEvent<HTMLDivElement>): void {
    const player = playerRef.current;
    if (!player) return;
    const box = event.currentTarget.getBoundingClientRect();
    const x = (event.clientX - box.left) / scale;
    const y = (event.clientY - box.top) / scale;
    setMark({ x: event.clientX - box.left, y: event.clientY - box.top, key: Date.now() });
    const target = player.targetAt(x, y);
    if (!target) return;
    void api.pointAt(target.nodeId).then(report);
    const intent = clickIntent(session.control, target.info);
    if (intent === 'point') return;
    void api.sendAction({ kind: 'click', nodeId: target.nodeId }).then(report);
    if (intent === 'click') {
      setEditor(null);
      return;
    }
    setEditor({ nodeId: target.nodeId, kind: intent, value: target.value, options: target.options, label: target.label, inputType: target.info.inputType });
  }

  useEffect(() => {
    if (!mark) return undefined;
    const timer = setTimeout(() => setMark(null), POINT_MARK_MS);
    return () => clearTimeout(timer);
  }, [mark]);

  function type(value: string): void {
    if (!editor) return;
    setEditor({ ...editor, value });
    void api.sendAction({ kind: 'input', nodeId: editor.nodeId, value }).then(report);
  }

  function onEditorKey(event: KeyboardEvent<HTMLElement>): void {
    if (event.key === 'Escape' || (event.key === 'Enter' && editor?.kind === 'edit-text')) {
      event.preventDefault();
      setEditor(null);
    }
  }

  const rect = editor ? playerRef.current?.rectOf(editor.nodeId) : null;
  const editorStyle = rect
    ? { left: rect.x * scale, top: rect.y * scale, width: Math.max(rect.width * scale, 120), minHeight: Math.max(rect.height * scale, 28) }
    : undefined;
  const editorLabel = editor ? `Type into “${editor.label}” on the customer’s page` : '';

  return (
    <div className="mirror-area">
      <div
        ref={frameRef}
        className={`mirror-frame${status?.hasPage ? '' : ' mirror-empty'}`}
        style={viewport ? { width: viewport.width * scale, height: viewport.height * scale } : undefined}
      >
        <div ref={stageRef} className="mirror-stage" style={{ transform: `scale(${scale})` }} />
        {/* The overlay takes the agent's clicks; the sandboxed mirror below never receives them. */}
        <div
          className={`mirror-overlay${session.control === 'granted' ? ' write' : ''}`}
          role="application"
          aria-roledescription="mirrored page"
          aria-label={`The customer’s page${session.page ? `, ${session.page.title}` : ''}. Click to point${session.control === 'granted' ? ', click and type to act' : ''}.`}
          onClick={onClick}
          data-testid="mirror-overlay"
        >
          {mark && <span key={mark.key} className="point-mark" style={{ left: mark.x, top: mark.y }} aria-hidden="true" />}
        </div>
        {editor && editorStyle && (
          <div className="mirror-editor" style={editorStyle}>
            {editor.kind === 'edit-select' ? (
              <select aria-label={editorLabel} autoFocus value={editor.value} onChange={(e) => type(e.currentTarget.value)} onKeyDown={onEditorKey} onBlur={() => setEditor(null)}>
                {editor.options.map((o) => (
                  <option key={o.value} value={o.value}>
                    {o.label}
                  </option>
                ))}
              </select>
            ) : editor.kind === 'edit-multiline' ? (
              <textarea aria-label={editorLabel} autoFocus value={editor.value} onChange={(e) => type(e.currentTarget.value)} onKeyDown={onEditorKey} onBlur={() => setEditor(null)} />
            ) : (
              <input
                aria-label={editorLabel}
                autoFocus
                type={editor.inputType === 'password' ? 'password' : 'text'}
                value={editor.value}
                onChange={(e) => type(e.currentTarget.value)}
                onKeyDown={onEditorKey}
                onBlur={() => setEditor(null)}
              />
            )}
          </div>
        )}
      </div>
      {!status?.hasPage && (
        <p className="mirror-waiting" role="status">
          Waiting for the customer’s page…
        </p>
      )}
      {status?.hasPage && (
        <p className="visually-hidden" aria-live="polite">
          Showing the customer’s page{session.page ? `: ${session.page.title}` : ''}.
        </p>
      )}
    </div>
  );
}

/** One line on the mirror: viewport, scroll, lag. */
export function MirrorFacts({ status }: { readonly status: MirrorStatus | null }) {
  const viewport = status?.viewport;
  const scroll = status?.scroll;
  return (
    <dl className="mirror-facts">
      <div>
        <dt>Customer’s window</dt>
        <dd data-testid="viewport">{viewport ? `${viewport.width} × ${viewport.height}` : '–'}</dd>
      </div>
      <div>
        <dt>Scrolled to</dt>
        <dd data-testid="scroll">{scroll ? `${scroll.x}, ${scroll.y}` : '–'}</dd>
      </div>
      <div>
        <dt>Lag</dt>
        <dd data-testid="lag">{formatLag(status?.lagMs ?? null)}</dd>
      </div>
    </dl>
  );
}
