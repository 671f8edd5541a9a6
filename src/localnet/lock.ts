// One local network per home folder: a lock file holding the owner's pid, taken atomically, freed on exit.
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import { StateError } from "../core/errors.ts";

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** `holder` names what runs there, for the refusal (default: a local network). */
export function acquireLock(
  home: string,
  name: string,
  holder: { what: string; hint: string } = {
    what: "a local network",
    hint: "Use it (`gw status`), stop it with Ctrl-C in its terminal, or start another with --home DIR.",
  },
): { release(): void } {
  mkdirSync(home, { recursive: true });
  const path = join(home, `${name}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, "wx");
      writeSync(fd, String(process.pid));
      closeSync(fd);
      return { release: () => rmSync(path, { force: true }) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const pid = Number.parseInt(readFileSync(path, "utf8"), 10);
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
        throw new StateError(`${holder.what} is already running from ${home} (pid ${pid})`, {
          details: { pid, lock: path },
          hint: holder.hint,
        });
      }
      // The owner died without cleaning up (kill -9): the lock is stale.
      rmSync(path, { force: true });
    }
  }
  throw new StateError(`could not take the lock ${path}`);
}
