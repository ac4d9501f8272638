import { spawn } from "child_process";
import * as fs from "fs";

export interface Measurement {
    readonly wallMs: number;
    /** Peak resident memory of the whole process tree (the command and every child it started), in bytes. */
    readonly peakRssBytes: number;
    /**
     * CPU time (user and system) of the whole process tree, in seconds, as last sampled from /proc: what the run
     * costs whatever else the machine is doing, within one sampling interval per process.
     */
    readonly cpuSeconds: number;
    readonly exitCode: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

const PAGE_SIZE = 4096;
const SAMPLE_INTERVAL_MS = 20;
/** How often the whole of /proc is scanned for processes of the tree (see `TreeSampler`). */
const SCAN_INTERVAL_MS = 250;

interface ProcessSample {
    readonly ppid: number;
    readonly rssBytes: number;
    readonly cpuSeconds: number;
}

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on Linux). */
const CLOCK_TICKS = 100;

function readProcess(pid: number): ProcessSample | undefined {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        // The command name is parenthesised and may hold spaces: fields are counted after its closing paren.
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return {
            ppid: Number(fields[1]),
            rssBytes: Number(fields[21]) * PAGE_SIZE,
            cpuSeconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS,
        };
    } catch {
        return undefined;
    }
}

/** Peak memory so far (VmHWM) of one process: exact for the process, whenever it is read before it exits. */
function highWaterMark(pid: number): number {
    try {
        const match = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"));
        return match ? Number(match[1]) * 1024 : 0;
    } catch {
        return 0;
    }
}

/** The children of a process's main thread (where Node and a shell fork), or none once it has exited. */
function childrenOf(pid: number): number[] {
    try {
        return fs
            .readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8")
            .split(" ")
            .filter((entry) => entry !== "")
            .map(Number);
    } catch {
        return [];
    }
}

/** Every process of the machine whose ancestors include `root`, from each one's parent in /proc. */
function scanTree(root: number): Set<number> {
    const parents = new Map<number, number>();
    for (const entry of fs.readdirSync("/proc")) {
        const pid = Number(entry);
        const sample = Number.isInteger(pid) ? readProcess(pid) : undefined;
        if (sample) {
            parents.set(pid, sample.ppid);
        }
    }
    const inTree = new Set<number>([root]);
    // Parents are not always listed before children: repeat until the tree stops growing.
    for (let grew = true; grew;) {
        grew = false;
        for (const [pid, ppid] of parents) {
            if (!inTree.has(pid) && inTree.has(ppid)) {
                inTree.add(pid);
                grew = true;
            }
        }
    }
    return inTree;
}

/**
 * Follows the process tree of `root` cheaply enough not to slow what it measures: each sample reads the known
 * processes and their main threads' children (a handful of files), and a scan of every process's parent in
 * /proc — about seventy files on a quiet machine, 8 % of a CPU if done every 20 ms — runs every
 * {@link SCAN_INTERVAL_MS} in case a process was started by another thread.
 */
class TreeSampler {
    private readonly known = new Set<number>();
    private lastScan = 0;

    constructor(private readonly root: number) {
        this.known.add(root);
    }

    /** Resident bytes of the tree right now; records each process's high-water mark and CPU time. */
    sample(marks: Map<number, number>, cpu: Map<number, number>): number {
        const now = Date.now();
        if (now - this.lastScan >= SCAN_INTERVAL_MS) {
            this.lastScan = now;
            scanTree(this.root).forEach((pid) => this.known.add(pid));
        }
        let total = 0;
        const queue = [...this.known];
        for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
            const sample = readProcess(pid);
            if (!sample) {
                this.known.delete(pid);
                continue;
            }
            total += sample.rssBytes;
            marks.set(pid, Math.max(marks.get(pid) ?? 0, highWaterMark(pid)));
            cpu.set(pid, Math.max(cpu.get(pid) ?? 0, sample.cpuSeconds));
            for (const child of childrenOf(pid)) {
                if (!this.known.has(child)) {
                    this.known.add(child);
                    queue.push(child);
                }
            }
        }
        return total;
    }
}

/**
 * Runs a command to completion and measures its wall time and the peak memory of its process tree, sampled
 * from /proc every 20 ms (and never below the largest single process's own high-water mark).
 */
export function measure(
    command: string,
    args: readonly string[],
    options: { cwd: string; env?: NodeJS.ProcessEnv },
): Promise<Measurement> {
    return new Promise((resolve, reject) => {
        const started = process.hrtime.bigint();
        const child = spawn(command, args, {
            cwd: options.cwd,
            env: options.env ?? process.env,
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        let peakTree = 0;
        const marks = new Map<number, number>();
        const cpu = new Map<number, number>();
        const tree = child.pid !== undefined ? new TreeSampler(child.pid) : undefined;
        const timer = setInterval(() => {
            if (tree) {
                peakTree = Math.max(peakTree, tree.sample(marks, cpu));
            }
        }, SAMPLE_INTERVAL_MS);
        child.on("error", (err) => {
            clearInterval(timer);
            reject(err);
        });
        child.on("close", (exitCode) => {
            clearInterval(timer);
            const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
            const largestProcess = Math.max(0, ...marks.values());
            const cpuSeconds = [...cpu.values()].reduce((sum, seconds) => sum + seconds, 0);
            resolve({
                wallMs,
                peakRssBytes: Math.max(peakTree, largestProcess),
                cpuSeconds,
                exitCode,
                stdout,
                stderr,
            });
        });
    });
}
