import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";

/**
 * Spawns a server a test owns (MariaDB, a Galera node, nginx, Lapse) so that it never outlives the
 * test process. An exit handler kills it when the test process exits; a test process killed outright
 * (SIGKILL, the OOM killer, a CI timeout) runs no handler, so a watchdog shell also polls both
 * processes each second and SIGKILLs the server once the test process is gone. Left behind, such
 * servers kept their ports, data directories and CPU for the next run on the same machine.
 */
export function spawnTied(command: string, args: string[], options: SpawnOptions): ChildProcess {
  const child = spawn(command, args, options);
  const pid = child.pid;
  if (pid === undefined) return child;
  process.once("exit", () => child.kill("SIGKILL"));
  const watchdog = spawn(
    "sh",
    [
      "-c",
      // Ends by itself when the server does; kills it only while it still runs.
      `while kill -0 ${process.pid} 2>/dev/null; do kill -0 ${pid} 2>/dev/null || exit 0; sleep 1; done; kill -9 ${pid} 2>/dev/null`,
    ],
    { stdio: "ignore", detached: true },
  );
  watchdog.unref();
  return child;
}
