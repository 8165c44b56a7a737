/** Codes raised by the desktop's sign-in service and keychain, with the message a person sees. Listed in docs/ERRORS.md. */
export const AUTH_ERRORS = {
} as const satisfies Record<string, string>;
