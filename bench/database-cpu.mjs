// CPU time of the PostgreSQL server on this machine, from /proc (Linux): with the gateway, the
// database and the load sharing two cores, the database's CPU is the other half of a request's cost.
import { readdirSync, readFileSync } from 'node:fs';

/** CPU time (µs: user + system, and with `reaped` the children waited for) and parent of a process; null when gone. */
function stat(pid, reaped = false) {
  try {
    // Fields after the command's closing parenthesis: state ppid … utime(12) stime(13) cutime cstime, in clock ticks (100/s).
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]) + (reaped ? Number(fields[13]) + Number(fields[14]) : 0);
    return { ppid: Number(fields[1]), us: ticks * 10_000 };
  } catch {
    return null;
  }
}

/** The postmaster of a backend (`SELECT pg_backend_pid()`, read while that connection is open); null without /proc. */
export function postmasterOf(backendPid) {
  return stat(backendPid)?.ppid ?? null;
}

/**
 * CPU (µs) the server of `postmaster` has used so far: the postmaster with the processes it has
 * reaped, and every running child (backends, background workers). On a shared server it counts
 * every database's work.
 */
export function databaseCpuUs(postmaster) {
  let us = stat(postmaster, true)?.us ?? 0;
  for (const name of readdirSync('/proc')) if (/^\d+$/.test(name) && stat(name)?.ppid === postmaster) us += stat(name)?.us ?? 0;
  return us;
}
