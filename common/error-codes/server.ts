/** Codes raised by the co-browse server, with the message a person sees. Listed in docs/ERRORS.md. */
export const SERVER_ERRORS = {
} as const satisfies Record<string, string>;
