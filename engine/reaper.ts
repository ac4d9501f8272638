/**
 * Child-process entry point: ends what the gate started when the gate itself cannot.
 *
 * The gate cleans up after itself on every path it runs code on (success, errors, SIGINT, SIGTERM, SIGHUP), but
 * SIGKILL, the kernel's out-of-memory killer and a V8 heap abort run no code. So the gate starts this small
 * process first, in its own process group (a terminal's Ctrl-C or `timeout` does not reach it), and tells it on
 * its stdin, one line each, what to clean up: `group <pgid>` for a process group the gate started (the program
 * host, each policy pack), `token <t>` for the environment marker its processes carry (`engine/processTree.ts`),
 * `dir <path>` for a private temporary directory, and `-group`/`-token`/`-dir` once the gate has cleaned up one
 * itself. When stdin ends — the gate exited, however it exited — the reaper kills every group
 * still listed, removes every directory still listed, and exits. It reads nothing else and writes nothing.
 */
import * as fs from "fs";
import { killMarkedProcesses } from "./processTree";

const groups = new Set<number>();
const tokens = new Set<string>();
const dirs = new Set<string>();

function apply(line: string): void {
    const space = line.indexOf(" ");
    if (space < 0) {
        return;
    }
    const command = line.slice(0, space);
    const argument = line.slice(space + 1);
    switch (command) {
        case "group":
            groups.add(Number(argument));
            break;
        case "-group":
            groups.delete(Number(argument));
            break;
        case "token":
            tokens.add(argument);
            break;
        case "-token":
            tokens.delete(argument);
            break;
        case "dir":
            dirs.add(argument);
            break;
        case "-dir":
            dirs.delete(argument);
            break;
    }
}

function reap(): void {
    for (const pgid of groups) {
        if (Number.isInteger(pgid) && pgid > 1) {
            try {
                process.kill(-pgid, "SIGKILL");
            } catch {
                // Already gone.
            }
        }
    }
    killMarkedProcesses(tokens);
    for (const dir of dirs) {
        fs.rmSync(dir, { recursive: true, force: true });
    }
    process.exit(0);
}

function main(): void {
    // Signals meant for the gate's terminal or job must not end the reaper before the gate's stdin closes.
    for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
        process.on(signal, () => undefined);
    }
    let pending = "";
    process.stdin.setEncoding("utf8");
    process.stdin.on("data", (chunk: string) => {
        const lines = (pending + chunk).split("\n");
        pending = lines.pop() ?? "";
        lines.forEach(apply);
    });
    process.stdin.on("end", reap);
    process.stdin.on("error", reap);
}

if (require.main === module) {
    main();
}
