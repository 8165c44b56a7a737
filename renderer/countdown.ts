/** Whole seconds left until `deadline` (epoch ms), never negative; a started second counts. */
export function secondsLeft(deadline: number, now: number): number {
  return Math.max(0, Math.ceil((deadline - now) / 1000));
}

/** "4:05" for a countdown the agent reads at a glance; "0:00" once it has run out. */
export function formatCountdown(deadline: number, now: number): string {
  const total = secondsLeft(deadline, now);
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  return `${minutes}:${String(seconds).padStart(2, '0')}`;
}

/** The same countdown in words, for screen readers: "4 minutes 5 seconds". */
export function spokenCountdown(deadline: number, now: number): string {
  const total = secondsLeft(deadline, now);
  const minutes = Math.floor(total / 60);
  const seconds = total % 60;
  const parts: string[] = [];
  if (minutes > 0) parts.push(`${minutes} minute${minutes === 1 ? '' : 's'}`);
  if (seconds > 0 || minutes === 0) parts.push(`${seconds} second${seconds === 1 ? '' : 's'}`);
  return parts.join(' ');
}
