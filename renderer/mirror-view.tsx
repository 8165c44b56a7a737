// The live mirror of the customer's page: the player's frame, the agent's pointer, pen and cursor
// over it, the protected areas, and write-mode clicks, typing and scrolls sent as actions.
// Over 400 lines: these overlays share the one coordinate mapping (mirror-geometry.ts) and the
// player's handle, and React keeps their effects and the refs they share in one component.
import { useEffect, useImperativeHandle, useLayoutEffect, useRef, useState, type KeyboardEvent, type MouseEvent, type ReactNode, type Ref, type WheelEvent } from 'react';
import 'rrweb/dist/style.css';
import type { AgentDeskApi, ApiResult, LiveSession } from '../common/api.js';
import { errorText } from './error-text.js';
import { mirrorGeometry, viewportOutline, type Size, type ViewMode } from './mirror-geometry.js';
import { MirrorPlayer, type MirrorStatus, type MirrorTarget, type ProtectedArea, type Protection } from './mirror-player.js';
import { resourceOrigins } from './mirror-resource-policy.js';
import type { PageStream } from './page-stream.js';
import type { ShowToast } from './toasts.js';
import { clickIntent, type ClickIntent } from './write-mode.js';

/** How often the view re-reads the frame's scroll and the protected areas (rrweb scrolls smoothly). */
const POLL_MS = 250;
/** How long the agent's own click marker stays on the mirror. */
const POINT_MARK_MS = 900;
/** Arrow keys scroll the mirror by this many agent px. */
const KEY_SCROLL_PX = 48;
/** The live cursor is sent at most this often: about seven updates a second are plenty to follow. */
export const CURSOR_INTERVAL_MS = 150;
/** A pen point is kept only this far (agent px) from the previous one: smooth, and far under the
 * protocol's 400 points for a stroke of a few seconds. */
const PEN_MIN_STEP_PX = 4;
/** The agent's own copy of a stroke fades like the customer's (server/snippet/limits.ts). */
const STROKE_SHOW_MS = 4000;
/** With control, the wheel over the customer's viewport scrolls their page: one scroll action at most
 * this often. Each action is an audit row (server/limits.ts caps a session's rows), so a second of
 * wheeling writes about four, and the customer's page still follows smoothly enough. */
export const SCROLL_ACTION_INTERVAL_MS = 250;
/** Wheel turns this close together add up from the position last asked for, not from the customer's
 * reported scroll, which lags behind by the round trip. */
const SCROLL_GESTURE_MS = 1000;

interface Stroke {
  readonly key: number;
  readonly points: readonly [number, number][];
}

interface Editor {
  readonly nodeId: number;
  readonly kind: Extract<ClickIntent, 'edit-text' | 'edit-multiline' | 'edit-select'>;
  readonly value: string;
  readonly options: MirrorTarget['options'];
  readonly label: string;
  readonly inputType: string;
}

/** What the session view (bar, keyboard picker) asks of the mirror. */
export interface MirrorHandle {
  /** Back to what the customer sees. */
  follow(): void;
  focus(): void;
  /** The customer's controls in view, by label. */
  controls(): MirrorTarget[];
  /** Points at a control and, with write mode, operates it as a click on it would. */
  use(target: MirrorTarget, operate: boolean): void;
}

export interface MirrorViewProps {
  readonly api: AgentDeskApi;
  readonly session: LiveSession;
  readonly stream: PageStream;
  readonly mode: ViewMode;
  /** Greys the mirror out with this line (nothing arrives, or the link is down). */
  readonly veil: { readonly title: string; readonly detail: string; readonly action?: ReactNode } | null;
  readonly toast: ShowToast;
  /** Pen mode: dragging over the mirror draws a stroke the customer sees. */
  readonly pen: boolean;
  readonly onStatus: (status: MirrorStatus) => void;
  readonly handleRef: Ref<MirrorHandle>;
}

const REFUSAL: Readonly<Record<Protection, { code: string; message: string }>> = {
  masked: { code: 'ACTION_TARGET_MASKED', message: 'This field is masked: its value never leaves the customer’s browser, so you cannot type in it. Ask the customer to fill it in.' },
  blocked: { code: 'ACTION_TARGET_MASKED', message: 'This part of the page is hidden by the website: you cannot see or operate it. Ask the customer to do it.' },
  locked: { code: 'ACTION_TARGET_LOCKED', message: 'The customer’s page does not let agents operate this element (for example a submit button). Ask the customer to do it.' },
};

export function MirrorView({ api, session, stream, mode, veil, toast, pen, onStatus, handleRef }: MirrorViewProps) {
  const areaRef = useRef<HTMLDivElement>(null);
  const stageRef = useRef<HTMLDivElement>(null);
  const overlayRef = useRef<HTMLDivElement>(null);
  const playerRef = useRef<MirrorPlayer | null>(null);
  const [status, setStatus] = useState<MirrorStatus | null>(null);
  const [area, setArea] = useState<Size>({ width: 0, height: 0 });
  const [areas, setAreas] = useState<readonly ProtectedArea[]>([]);
  const [mark, setMark] = useState<{ x: number; y: number; key: number } | null>(null);
  const [editor, setEditor] = useState<Editor | null>(null);
  const [strokes, setStrokes] = useState<readonly Stroke[]>([]);
  const drawing = useRef<[number, number][] | null>(null);
  const lastCursor = useRef({ at: 0, sent: false, pending: null as ReturnType<typeof setTimeout> | null });
  const customerScroll = useRef({ target: null as [number, number] | null, wheelAt: 0, sentAt: 0, pending: null as ReturnType<typeof setTimeout> | null });
  const onStatusRef = useRef(onStatus);
  onStatusRef.current = onStatus;
  const originsRef = useRef<readonly string[]>([]);
  originsRef.current = resourceOrigins([session.customerOrigin, ...session.assetOrigins]);

  // One player per mounted view, fed by the page stream (the kept frames first).
  useEffect(() => {
    const stage = stageRef.current;
    if (!stage) return undefined;
    const player = new MirrorPlayer(
      stage,
      (s) => {
        setStatus(s);
        onStatusRef.current(s);
      },
      () => originsRef.current,
    );
    playerRef.current = player;
    const off = stream.subscribe((frame) => player.push(frame));
    const poll = setInterval(() => {
      player.refresh();
      const next = player.protectedAreas();
      setAreas((current) => (JSON.stringify(current) === JSON.stringify(next) ? current : next));
    }, POLL_MS);
    return () => {
      off();
      clearInterval(poll);
      player.destroy();
      playerRef.current = null;
    };
  }, [stream]);

  // The one road of the clock offset to the player (after the player effect above, also for a new player).
  const clockOffsetMs = session.timing?.clockOffsetMs ?? null;
  useEffect(() => {
    if (clockOffsetMs !== null) playerRef.current?.clockOffsetKnown(clockOffsetMs);
  }, [clockOffsetMs, stream]);

  // The space the mirror may fill: the whole area below the bar.
  useLayoutEffect(() => {
    const element = areaRef.current;
    if (!element) return undefined;
    const measure = () => setArea({ width: element.clientWidth, height: element.clientHeight });
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const viewport = status?.viewport ?? null;
  const geometry = viewport && area.width > 0 ? mirrorGeometry(mode, area, viewport) : null;
  const frameWidth = geometry?.frame.width;
  const frameHeight = geometry?.frame.height;
  useLayoutEffect(() => {
    playerRef.current?.setFrameSize(frameWidth && frameHeight ? { width: frameWidth, height: frameHeight } : null);
  }, [frameWidth, frameHeight, status?.hasPage]);
  const scale = geometry?.scale ?? 1;

  // Write mode ended: close the editor, nothing more may be typed.
  useEffect(() => {
    if (session.control !== 'granted') setEditor(null);
  }, [session.control]);

  useEffect(() => {
    if (!mark) return undefined;
    const timer = setTimeout(() => setMark(null), POINT_MARK_MS);
    return () => clearTimeout(timer);
  }, [mark]);

  function report(result: ApiResult<unknown>): void {
    if (!result.ok) toast({ tone: 'error', text: errorText(result.error), kind: 'action-problem' });
  }

  /** Points at `target` and, in write mode, operates it: a click, or an editor over a field. */
  function use(target: MirrorTarget, operate: boolean): void {
    void api.pointAt(target.nodeId).then(report);
    const intent = clickIntent(session.control, target.info);
    if (!operate || intent === 'point') return;
    if (target.protection) {
      // Refused here at once: the customer's page would refuse it too, and no editor may open on it.
      toast({ tone: 'error', text: errorText(REFUSAL[target.protection]), kind: 'action-problem' });
      return;
    }
    void api.sendAction({ kind: 'click', nodeId: target.nodeId }).then(report);
    if (intent === 'click') {
      setEditor(null);
      return;
    }
    setEditor({ nodeId: target.nodeId, kind: intent, value: target.value, options: target.options, label: target.label, inputType: target.info.inputType });
  }

  useImperativeHandle(handleRef, () => ({
    follow: () => playerRef.current?.follow(),
    focus: () => overlayRef.current?.focus(),
    controls: () => playerRef.current?.controls() ?? [],
    use: (target, operate) => {
      const rect = playerRef.current?.rectOf(target.nodeId);
      if (rect) setMark({ x: (rect.x + rect.width / 2) * scale, y: (rect.y + rect.height / 2) * scale, key: Date.now() });
      use(target, operate);
    },
  }));

  /** The page point under the mouse (document px of the customer's page). */
  function pointOf(event: MouseEvent<HTMLDivElement>): [number, number] | null {
    const box = event.currentTarget.getBoundingClientRect();
    return playerRef.current?.pagePoint((event.clientX - box.left) / scale, (event.clientY - box.top) / scale) ?? null;
  }

  // The live cursor: throttled, the last position always sent, and hidden when the mouse leaves.
  function sendCursor(at: [number, number] | null): void {
    const state = lastCursor.current;
    if (state.pending) clearTimeout(state.pending);
    state.pending = null;
    const wait = state.at + CURSOR_INTERVAL_MS - Date.now();
    if (at !== null && wait > 0) {
      state.pending = setTimeout(() => sendCursor(at), wait);
      return;
    }
    if (at === null && !state.sent) return;
    state.at = Date.now();
    state.sent = at !== null;
    void api.moveCursor(at);
  }
  useEffect(() => () => {
    for (const pending of [lastCursor.current.pending, customerScroll.current.pending]) if (pending) clearTimeout(pending);
  }, []);

  function onMouseMove(event: MouseEvent<HTMLDivElement>): void {
    const at = pointOf(event);
    if (!at) return;
    const stroke = drawing.current;
    if (stroke) {
      const last = stroke[stroke.length - 1]!;
      if (Math.hypot(at[0] - last[0], at[1] - last[1]) * scale >= PEN_MIN_STEP_PX && stroke.length < 400) stroke.push(at);
      setStrokes((list) => [...list.filter((s) => s.key !== -1), { key: -1, points: [...stroke] }]);
    }
    sendCursor(at);
  }

  function onMouseDown(event: MouseEvent<HTMLDivElement>): void {
    if (!pen || event.button !== 0) return;
    const at = pointOf(event);
    if (at) drawing.current = [at];
  }

  function endStroke(): void {
    const stroke = drawing.current;
    drawing.current = null;
    if (!stroke) return;
    setStrokes((list) => list.filter((s) => s.key !== -1));
    if (stroke.length < 2) return;
    const key = Date.now();
    setStrokes((list) => [...list, { key, points: stroke }]);
    setTimeout(() => setStrokes((list) => list.filter((s) => s.key !== key)), STROKE_SHOW_MS);
    void api.annotate(stroke).then(report);
  }

  function onClick(event: MouseEvent<HTMLDivElement>): void {
    const player = playerRef.current;
    if (!player || pen) return;
    const box = event.currentTarget.getBoundingClientRect();
    setMark({ x: event.clientX - box.left, y: event.clientY - box.top, key: Date.now() });
    const target = player.targetAt((event.clientX - box.left) / scale, (event.clientY - box.top) / scale);
    if (target) use(target, true);
  }

  function onWheel(event: WheelEvent<HTMLDivElement>): void {
    const unit = event.deltaMode === 1 ? 16 : event.deltaMode === 2 ? area.height : 1;
    const dx = (event.deltaX * unit) / scale;
    const dy = (event.deltaY * unit) / scale;
    const box = event.currentTarget.getBoundingClientRect();
    const x = event.clientX - box.left;
    const y = event.clientY - box.top;
    // With control, the wheel over the customer's viewport scrolls their page (an action: consent,
    // audit and refusals as for a click); elsewhere it scrolls the agent's own view of the page.
    const overViewport = outline === null || (x >= outline.x && x <= outline.x + outline.width && y >= outline.y && y <= outline.y + outline.height);
    if (granted && overViewport && status?.scroll && viewport) scrollCustomer(dx, dy, status.scroll, viewport);
    else playerRef.current?.scrollBy(dx, dy);
  }

  function scrollCustomer(dx: number, dy: number, reported: { x: number; y: number }, view: { width: number; height: number }): void {
    const state = customerScroll.current;
    const page = playerRef.current?.page();
    if (!page) return;
    const now = Date.now();
    const base: readonly [number, number] = state.target && now - state.wheelAt < SCROLL_GESTURE_MS ? state.target : [reported.x, reported.y];
    const clamp = (v: number, max: number) => Math.round(Math.min(Math.max(v, 0), Math.max(max, 0)));
    state.target = [clamp(base[0] + dx, page.width - view.width), clamp(base[1] + dy, page.height - view.height)];
    state.wheelAt = now;
    if (state.pending) return;
    const send = () => {
      state.pending = null;
      state.sentAt = Date.now();
      if (state.target) void api.sendAction({ kind: 'scroll', nodeId: page.nodeId, x: state.target[0], y: state.target[1] }).then(report);
    };
    const wait = state.sentAt + SCROLL_ACTION_INTERVAL_MS - now;
    if (wait > 0) state.pending = setTimeout(send, wait);
    else send();
  }

  function onKeyDown(event: KeyboardEvent<HTMLDivElement>): void {
    const page = (geometry?.box.height ?? area.height) * 0.9;
    const moves: Record<string, [number, number]> = {
      ArrowDown: [0, KEY_SCROLL_PX],
      ArrowUp: [0, -KEY_SCROLL_PX],
      ArrowLeft: [-KEY_SCROLL_PX, 0],
      ArrowRight: [KEY_SCROLL_PX, 0],
      PageDown: [0, page],
      PageUp: [0, -page],
      ' ': [0, event.shiftKey ? -page : page],
    };
    const move = moves[event.key];
    if (!move) return;
    event.preventDefault();
    playerRef.current?.scrollBy(move[0] / scale, move[1] / scale);
  }

  function type(value: string): void {
    if (!editor) return;
    setEditor({ ...editor, value });
    void api.sendAction({ kind: 'input', nodeId: editor.nodeId, value }).then(report);
  }

  function onEditorKey(event: KeyboardEvent<HTMLElement>): void {
    if (event.key === 'Escape' || (event.key === 'Enter' && editor?.kind === 'edit-text')) {
      event.preventDefault();
      // Escape closes the editor only; a second Escape releases control.
      event.stopPropagation();
      setEditor(null);
      overlayRef.current?.focus();
    }
  }

  const rect = editor ? playerRef.current?.rectOf(editor.nodeId) : null;
  const editorStyle = rect
    ? { left: rect.x * scale, top: rect.y * scale, width: Math.max(rect.width * scale, 120), minHeight: Math.max(rect.height * scale, 28) }
    : undefined;
  const editorLabel = editor ? `Type into “${editor.label}” on the customer’s page` : '';
  const outline = geometry && viewport && status?.scroll ? viewportOutline(geometry, viewport, status.scroll, status.frameScroll) : null;
  const granted = session.control === 'granted';

  return (
    <div ref={areaRef} className={`mirror-area mode-${mode}${veil ? ' veiled' : ''}`}>
      <div
        className={`mirror-frame${status?.hasPage ? '' : ' mirror-empty'}`}
        style={geometry ? { width: geometry.box.width, height: geometry.box.height } : undefined}
        data-testid="mirror-frame"
      >
        {/* inert: the replayed page is never a focus stop nor reachable by assistive tech; the overlay speaks for it. */}
        <div ref={stageRef} className="mirror-stage" style={{ transform: `scale(${scale})` }} inert />
        {/* The overlay takes the agent's clicks, wheel and keys; the sandboxed mirror below never receives them. */}
        <div
          ref={overlayRef}
          className={`mirror-overlay${granted ? ' write' : ''}${pen ? ' pen' : ''}`}
          role="application"
          tabIndex={0}
          aria-roledescription="mirrored page"
          aria-label={`The customer’s page${session.page ? `, ${session.page.title}` : ''}. Arrow keys scroll your view. Click to point${granted ? ', click and type to act; the wheel scrolls the customer’s page' : ''}.`}
          onClick={onClick}
          onMouseMove={onMouseMove}
          onMouseDown={onMouseDown}
          onMouseUp={endStroke}
          onMouseLeave={() => {
            endStroke();
            sendCursor(null);
          }}
          onWheel={onWheel}
          onKeyDown={onKeyDown}
          data-testid="mirror-overlay"
        >
          {areas.map((a, i) => (
            <span
              key={i}
              className={`protected protected-${a.kind}`}
              style={{ left: a.rect.x * scale, top: a.rect.y * scale, width: a.rect.width * scale, height: a.rect.height * scale }}
              data-testid="protected-area"
            >
              <span className="protected-label">
                <LockIcon />
                {a.kind === 'locked' ? 'Locked by the website' : 'Hidden by the website'}
              </span>
            </span>
          ))}
          {outline && (
            <span
              className="viewport-outline"
              style={{ left: outline.x, top: outline.y, width: outline.width, height: outline.height }}
              data-testid="viewport-outline"
              aria-hidden="true"
            >
              <span className="viewport-outline-label">Customer’s view</span>
            </span>
          )}
          {mark && <span key={mark.key} className="point-mark" style={{ left: mark.x, top: mark.y }} aria-hidden="true" />}
          {strokes.length > 0 && status && (
            <svg className="pen-strokes" aria-hidden="true" data-testid="pen-strokes">
              {strokes.map((s) => (
                <polyline key={s.key} points={s.points.map(([x, y]) => `${(x - status.frameScroll.x) * scale},${(y - status.frameScroll.y) * scale}`).join(' ')} />
              ))}
            </svg>
          )}
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
      {veil && (
        <div className="mirror-veil" data-testid="mirror-veil">
          <p className="mirror-veil-title">{veil.title}</p>
          {veil.detail !== '' && <p>{veil.detail}</p>}
          {veil.action}
        </div>
      )}
      {!status?.hasPage && !veil && (
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

function LockIcon() {
  return (
    <svg className="lock-icon" width="12" height="12" viewBox="0 0 12 12" aria-hidden="true" focusable="false">
      <rect x="2" y="5" width="8" height="6" rx="1" fill="currentColor" />
      <path d="M4 5V3.5a2 2 0 0 1 4 0V5" fill="none" stroke="currentColor" strokeWidth="1.4" />
    </svg>
  );
}
