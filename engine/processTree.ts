import * as fs from "fs";

/**
 * Each child the gate starts carries a token of its own in this environment variable, and so does everything it
 * starts in turn, unless that process clears its environment. A process group ends what stayed in the group;
 * the token also finds what left it (`setsid`, `detached: true`, a double fork), on Linux, through `/proc`.
 */
export const CHILD_TOKEN_ENV = "ALICLOUD_SG_CHILD_TOKEN";

/** Kills every process whose environment carries one of `tokens`; returns how many it killed. */
export function killMarkedProcesses(tokens: ReadonlySet<string>): number {
    if (tokens.size === 0 || process.platform !== "linux") {
        return 0;
    }
    let entries: string[];
    try {
        entries = fs.readdirSync("/proc");
    } catch {
        return 0;
    }
    let killed = 0;
    for (const entry of entries) {
        const pid = Number(entry);
        if (!Number.isInteger(pid) || pid === process.pid) {
            continue;
        }
        let environ: string;
        try {
            environ = fs.readFileSync(`/proc/${pid}/environ`, "latin1");
        } catch {
            continue; // Ended meanwhile, or another user's.
        }
        for (const variable of environ.split("\0")) {
            if (
                variable.startsWith(`${CHILD_TOKEN_ENV}=`) &&
                tokens.has(variable.slice(CHILD_TOKEN_ENV.length + 1))
            ) {
                try {
                    process.kill(pid, "SIGKILL");
                    killed++;
                } catch {
                    // Already gone.
                }
                break;
            }
        }
    }
    return killed;
}
