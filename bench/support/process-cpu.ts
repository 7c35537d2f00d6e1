/**
 * CPU seconds used by a server's processes (Linux /proc): the PostgreSQL postmaster and its
 * backends, or a redis-server. The benchmark prints them beside this process's own CPU, so
 * the table shows which side of the pipeline is busy. Null where /proc is not available.
 */
import { readFile, readdir } from 'node:fs/promises';

const TICKS_PER_SECOND = 100;

async function statOf(pid: number): Promise<{ ppid: number; cpuTicks: number } | null> {
  try {
    const s = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces), from field 3 (state) on.
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(f[1]), cpuTicks: Number(f[11]) + Number(f[12]) };
  } catch {
    return null;
  }
}

/** CPU seconds of `rootPid` and its direct children (a postmaster's backends and helpers). */
export async function processTreeCpuSeconds(rootPid: number): Promise<number | null> {
  let pids: number[];
  try {
    pids = (await readdir('/proc')).filter((n) => /^\d+$/.test(n)).map(Number);
  } catch {
    return null;
  }
  let ticks = 0;
  let found = false;
  for (const pid of pids) {
    const st = await statOf(pid);
    if (!st) continue;
    if (pid === rootPid) found = true;
    if (pid === rootPid || st.ppid === rootPid) ticks += st.cpuTicks;
  }
  return found ? ticks / TICKS_PER_SECOND : null;
}

/** The pid in a postmaster.pid file (its first line). */
export async function postmasterPid(pgDataDir: string): Promise<number | null> {
  try {
    const pid = Number((await readFile(`${pgDataDir}/postmaster.pid`, 'utf8')).split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}
