// Preloaded into the demo's children (`node --import scripts/exit-with-parent.mjs …`): the demo
// hands each child one end of a socket pair on the file descriptor named by
// AGENTDESK_PARENT_FD and keeps the other end. However the demo ends (Ctrl-C, a crashed terminal,
// `kill -9`), the kernel closes its end, this side reads end-of-file, and the child stops as on
// SIGTERM, through its own shutdown path. A signal handler alone cannot see a SIGKILL.
import { Socket } from 'node:net';

// A child whose shutdown hangs is stopped anyway: the server drains sockets for at most a few
// seconds, so ten is a hang.
const FORCED_EXIT_MS = 10_000;

const fd = Number(process.env.AGENTDESK_PARENT_FD);
delete process.env.AGENTDESK_PARENT_FD;
if (Number.isInteger(fd) && fd > 2) {
  const link = new Socket({ fd, readable: true, writable: false });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), FORCED_EXIT_MS).unref();
    process.kill(process.pid, 'SIGTERM');
  };
  link.on('end', stop);
  link.on('close', stop);
  link.on('error', stop);
  link.resume();
  // The link alone never keeps the child running.
  link.unref();
}
