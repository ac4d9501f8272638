import type { ChildProcess } from "child_process";

/**
 * Every child the gate starts (the program, each policy pack) is tracked here so that no process outlives the
 * command: on normal exit, on an error path, and on Ctrl-C or SIGTERM.
 */
const live = new Set<ChildProcess>();
let hooked = false;

function killAll(): void {
    for (const child of live) {
        if (child.exitCode === null && child.signalCode === null) {
            child.kill("SIGKILL");
        }
    }
    live.clear();
}

function hookProcessExit(): void {
    if (hooked) {
        return;
    }
    hooked = true;
    process.on("exit", killAll);
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
        process.once(signal, () => {
            killAll();
            // 128 + signal number, as a shell reports a process killed by that signal.
            process.exit(signal === "SIGINT" ? 130 : signal === "SIGTERM" ? 143 : 129);
        });
    }
}

/** Tracks `child` until it exits; returns the function that stops tracking it. */
export function trackChild(child: ChildProcess): () => void {
    hookProcessExit();
    live.add(child);
    const untrack = (): void => {
        live.delete(child);
    };
    child.once("exit", untrack);
    return untrack;
}
