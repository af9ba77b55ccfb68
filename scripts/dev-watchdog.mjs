#!/usr/bin/env node
// Started by scripts/dev.mjs, detached (a session and process group of its own, so nothing aimed at the
// dev runner reaches it). dev.mjs writes the process groups it starts to this script's stdin, one a line
// ("<pgid>" to watch, "-<pgid>" once that group has ended). When stdin closes, dev.mjs is gone, however it
// died (SIGKILL included): every group still watched gets SIGTERM, and SIGKILL 5 s later if still alive.
import { createInterface } from "node:readline";

const GRACE_MS = 5_000;
const groups = new Set();

function signalGroup(pgid, signal) {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: nothing left in that group
  }
}

const alive = (pgid) => signalGroup(pgid, 0);

createInterface({ input: process.stdin })
  .on("line", (line) => {
    const pgid = Number.parseInt(line, 10);
    if (pgid > 0) groups.add(pgid);
    else if (pgid < 0) groups.delete(-pgid);
  })
  .on("close", async () => {
    const running = [...groups].filter(alive);
    if (running.length > 0) {
      console.error(
        `[parley dev] The dev runner is gone; stopping what it started (process groups ${running.join(", ")}).`,
      );
    }
    for (const pgid of running) signalGroup(pgid, "SIGTERM");
    const deadline = Date.now() + GRACE_MS;
    while (running.some(alive) && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
    for (const pgid of running) signalGroup(pgid, "SIGKILL");
    process.exit(0);
  });
