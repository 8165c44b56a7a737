// OS hand-overs (launch argv, a second instance's argv, macOS open-url) can arrive before the core
// has started: macOS sends open-url before 'ready' when a link launches the app. They are queued
// in order and replayed once the core is attached, then delivered one at a time in arrival order.
import { assertNever } from '../../common/assert-never.js';
import type { DesktopApp } from '../app/desktop-app-types.js';
import { LAUNCH_QUEUE_MAX } from './limits.js';

export type LaunchEvent =
  | { readonly kind: 'argv'; readonly argv: readonly string[] }
  | { readonly kind: 'open-url'; readonly url: string };

export type LaunchTarget = Pick<DesktopApp, 'handleArgv' | 'handleOpenUrl'>;

export class LaunchQueue {
  readonly #pending: LaunchEvent[] = [];
  readonly #onError: (error: unknown) => void;
  #target: LaunchTarget | null = null;
  #chain: Promise<void> = Promise.resolve();
  #dropped = 0;

  constructor(onError: (error: unknown) => void) {
    this.#onError = onError;
  }

  /** How many events were dropped because the queue was full before the core attached. */
  get dropped(): number {
    return this.#dropped;
  }

  deliver(event: LaunchEvent): void {
    if (this.#target === null) {
      if (this.#pending.length >= LAUNCH_QUEUE_MAX) {
        this.#pending.shift();
        this.#dropped += 1;
      }
      this.#pending.push(event);
      return;
    }
    this.#enqueue(this.#target, event);
  }

  /** Hands every queued event to `target`, in order; later events go straight to it. Resolves when the queued ones are handled. */
  attach(target: LaunchTarget): Promise<void> {
    this.#target = target;
    for (const event of this.#pending.splice(0)) this.#enqueue(target, event);
    return this.#chain;
  }

  #enqueue(target: LaunchTarget, event: LaunchEvent): void {
    this.#chain = this.#chain.then(() => handOver(target, event)).then(
      () => undefined,
      (error: unknown) => this.#onError(error),
    );
  }
}

function handOver(target: LaunchTarget, event: LaunchEvent): Promise<boolean> {
  switch (event.kind) {
    case 'argv':
      return target.handleArgv(event.argv);
    case 'open-url':
      return target.handleOpenUrl(event.url);
    default:
      return assertNever(event);
  }
}
