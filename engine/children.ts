import { spawn, type ChildProcess } from "child_process";
import { randomUUID } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { Writable } from "stream";
import { childEntry } from "./childEntry";
import { CHILD_TOKEN_ENV, killMarkedProcesses } from "./processTree";

/**
 * Nothing the gate starts outlives it, and nothing it writes to disk stays there. Every child the gate starts
 * (the program host, each policy pack) runs in its own process group, tracked here; every private temporary
 * directory is tracked here too. On normal exit, on an error path and on SIGINT, SIGTERM or SIGHUP the gate ends
 * every group and removes every directory itself; for the paths that run no code in the gate (SIGKILL, the
 * out-of-memory killer, a V8 heap abort) the reaper process (`engine/reaper.ts`) does it when the gate's pipe
 * to it closes.
 */
const liveGroups = new Map<number, string>();
const tempDirs = new Set<string>();
let hooked = false;
let reaperInput: Writable | undefined;

/** The shell's status for a process ended by `signal`: 128 + its number. */
const SIGNAL_EXIT: Record<string, number> = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 };

function tellReaper(line: string): void {
    if (!reaperInput) {
        const reaper = spawn(process.execPath, childEntry("reaper"), {
            detached: true,
            stdio: ["pipe", "ignore", "ignore"],
        });
        reaper.on("error", () => undefined);
        reaper.unref();
        // The pipe must not keep the gate's event loop alive; it closes when the gate's process ends.
        (reaper.stdin as unknown as { unref(): void }).unref();
        reaper.stdin?.on("error", () => undefined);
        reaperInput = reaper.stdin ?? undefined;
    }
    reaperInput?.write(`${line}\n`);
}

/** Kills a process group, ignoring one that has already ended. */
function killGroup(pgid: number): void {
    try {
        process.kill(-pgid, "SIGKILL");
    } catch {
        // Already gone.
    }
}

/** Ends every tracked process group and removes every tracked directory, synchronously. */
function cleanUpNow(): void {
    for (const pgid of liveGroups.keys()) {
        killGroup(pgid);
    }
    killMarkedProcesses(new Set(liveGroups.values()));
    liveGroups.clear();
    for (const dir of tempDirs) {
        fs.rmSync(dir, { recursive: true, force: true });
    }
    tempDirs.clear();
}

function hookProcessExit(): void {
    if (hooked) {
        return;
    }
    hooked = true;
    process.on("exit", cleanUpNow);
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
        process.once(signal, () => {
            cleanUpNow();
            process.exit(SIGNAL_EXIT[signal]);
        });
    }
}

/**
 * The environment entry that marks a child about to be started, and everything it starts: pass it in the
 * child's environment and the child itself to {@link trackChild}.
 */
export function childMarker(): { readonly env: Record<string, string>; readonly token: string } {
    const token = randomUUID();
    return { env: { [CHILD_TOKEN_ENV]: token }, token };
}

/**
 * Tracks `child`, which must have been spawned `detached` (the leader of its own process group) with the
 * environment of `marker`; returns the function that ends it. The whole group is killed, and every process
 * carrying the marker, so that a process the child started (a program's helper holding its stdio, one that
 * left the group) does not outlive it either.
 */
export function trackChild(child: ChildProcess, marker: { readonly token: string }): () => void {
    hookProcessExit();
    const pgid = child.pid;
    if (pgid === undefined) {
        return () => undefined;
    }
    liveGroups.set(pgid, marker.token);
    tellReaper(`group ${pgid}`);
    tellReaper(`token ${marker.token}`);
    return () => endGroup(pgid);
}

/** Kills the process group led by `pgid` and every process carrying its marker, and stops tracking it. */
function endGroup(pgid: number): void {
    const token = liveGroups.get(pgid);
    if (token === undefined) {
        return;
    }
    liveGroups.delete(pgid);
    killGroup(pgid);
    killMarkedProcesses(new Set([token]));
    tellReaper(`-group ${pgid}`);
    tellReaper(`-token ${token}`);
}

/**
 * A new private temporary directory (mode 0700, files written in it with mode 0600 stay private), removed on
 * every exit path; returns it and the function that removes it now.
 */
export function privateTempDir(prefix: string): { dir: string; remove(): void } {
    hookProcessExit();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    fs.chmodSync(dir, 0o700);
    tempDirs.add(dir);
    tellReaper(`dir ${dir}`);
    return {
        dir,
        remove(): void {
            if (tempDirs.delete(dir)) {
                fs.rmSync(dir, { recursive: true, force: true });
                tellReaper(`-dir ${dir}`);
            }
        },
    };
}
