// POSIX file modes (0600 and friends) exist only on POSIX systems: on Windows, Node reports a mode
// made up from the read-only attribute, chmod changes nothing else, and access is governed by the
// ACLs of the user's profile folder, which these tests do not check. Tests that assert modes are
// skipped there with this reason (they still run on Linux and macOS).
export const SKIP_WITHOUT_POSIX_MODES: string | false =
  process.platform === 'win32' ? 'Windows has no POSIX file modes: access is the ACL of the user profile folder, not checked here' : false;
