// The slave.password rotation rule, shared by the SQLite and PostgreSQL options stores: what
// happens to the token being replaced. With a grace and a readable old value that differs from
// the new one, the old value is kept until now + grace; with no grace (or nothing readable to
// keep) any kept token goes at once; a grace with an unchanged value leaves things as they are.
export type PreviousTokenPlan =
  | { readonly kind: 'keep'; readonly value: string; readonly validUntil: number }
  | { readonly kind: 'delete' }
  | { readonly kind: 'unchanged' };

export function planPreviousToken(old: string | null, value: string, graceSeconds: number, now: number): PreviousTokenPlan {
  if (old !== null && old !== value && graceSeconds > 0) return { kind: 'keep', value: old, validUntil: now + graceSeconds * 1000 };
  if (graceSeconds === 0 || old === null) return { kind: 'delete' };
  return { kind: 'unchanged' };
}
