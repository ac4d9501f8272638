import * as fs from "fs";
import * as os from "os";

/**
 * Node's default heap limit (about 4 GB on a 64-bit machine with 16 GB or more) is far below what a large stack
 * needs: the program host holds the SDK's state for every resource, an `Output` per declared property, about
 * 350 KB per resource at 20,000 resources. Under the CLI a user would have to know to set
 * `NODE_OPTIONS=--max-old-space-size=…`; the gate sizes the heap of each process it starts from the memory the
 * machine (or its cgroup) really has, unless the user set a limit, which then wins everywhere.
 */
const HEAP_FLAG = /(?:^|\s)--max[-_]old[-_]space[-_]size(?:=|\s|$)/;

/** Share of the machine's memory each child may grow its heap to. The program host holds the most. */
export const HEAP_SHARE = { programHost: 0.5, policyPacks: 0.25 } as const;

/** The least a child's heap is given, whatever the machine: below this a stack of a few resources would fail. */
const MIN_HEAP_MB = 512;

/** Whether `--max-old-space-size` was given to this process or is in `NODE_OPTIONS` (which children inherit). */
function userSetHeapLimit(
    execArgv: readonly string[] = process.execArgv,
    nodeOptions: string | undefined = process.env.NODE_OPTIONS,
): boolean {
    return execArgv.some((arg) => HEAP_FLAG.test(arg)) || HEAP_FLAG.test(nodeOptions ?? "");
}

/** cgroup v2 `memory.max` or v1 `memory.limit_in_bytes` → bytes; undefined when unlimited or unreadable. */
export function parseCgroupLimit(text: string): number | undefined {
    const value = text.trim();
    if (!/^\d+$/.test(value)) {
        return undefined; // "max": no limit.
    }
    const bytes = Number(value);
    // cgroup v1 writes "no limit" as a huge page-aligned number (about 2^63).
    return bytes > 0 && bytes < 2 ** 60 ? bytes : undefined;
}

const CGROUP_LIMIT_FILES = ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"];

/** The memory this process may really use: the machine's, or its cgroup's limit when that is lower. */
export function availableMemoryBytes(
    readFile: (file: string) => string = (file) => fs.readFileSync(file, "utf8"),
    totalMem: number = os.totalmem(),
): number {
    let memory = totalMem;
    for (const file of CGROUP_LIMIT_FILES) {
        let text: string;
        try {
            text = readFile(file);
        } catch {
            continue;
        }
        const limit = parseCgroupLimit(text);
        if (limit !== undefined) {
            memory = Math.min(memory, limit);
        }
    }
    return memory;
}

/**
 * What a pack needs to judge a stack read from `bytesRead` bytes (a stack export, an account's responses), in MB.
 * A pack holds the whole `AnalyzeStack` request decoded (600 MB for the 36 MB request of `npm run bench`'s
 * account of 75,000 resources, read from 21 MB of responses) and deserializes every resource again for each
 * stack policy: about 900 MB live there. With Node's default heap (about 4 GB here) it let garbage grow to 2.5 GB
 * before collecting. Below what is live it collects in vain until V8 lifts the limit fourfold (the pack runner
 * enables the inspector's debugger, which does that near the limit): at 256 MB plus 20 times the bytes read
 * (684 MB) the audit took 54 s; at 50 times (1,300 MB) 46 s, for the same peak of all processes.
 */
export function stackPackHeapMb(bytesRead: number): number {
    return Math.ceil(256 + (50 * bytesRead) / 2 ** 20);
}

/**
 * The `node` arguments that size a child's heap to `share` of the available memory, and no larger than
 * `neededMb` when the work is known to need less (a larger heap only lets garbage grow before it is collected);
 * never below {@link MIN_HEAP_MB}. None when the user set a limit (`NODE_OPTIONS`, which the child inherits, or
 * the gate's own `node` arguments, which it is given).
 */
export function childHeapArgs(
    share: number,
    options: {
        execArgv?: readonly string[];
        nodeOptions?: string;
        memoryBytes?: number;
        neededMb?: number;
    } = {},
): string[] {
    const execArgv = options.execArgv ?? process.execArgv;
    if (userSetHeapLimit(execArgv, options.nodeOptions ?? process.env.NODE_OPTIONS)) {
        return execArgv.filter((arg) => HEAP_FLAG.test(arg));
    }
    const memory = options.memoryBytes ?? availableMemoryBytes();
    const shareMb = Math.floor((memory * share) / 2 ** 20);
    const mb = Math.max(MIN_HEAP_MB, Math.min(shareMb, options.neededMb ?? shareMb));
    return [`--max-old-space-size=${mb}`];
}

/** V8's last words when a heap limit is reached (`FATAL ERROR: … JavaScript heap out of memory`). */
export function ranOutOfHeap(stderr: string): boolean {
    return /JavaScript heap out of memory|Reached heap limit|Ineffective mark-compacts near heap limit/.test(
        stderr,
    );
}

/** The heap limit a child was given, in MB, as its arguments or `NODE_OPTIONS` say; undefined when neither does. */
function heapLimitMb(args: readonly string[]): number | undefined {
    const given = [...args, ...(process.env.NODE_OPTIONS ?? "").split(/\s+/)]
        .map((arg) => /^--max[-_]old[-_]space[-_]size=(\d+)$/.exec(arg)?.[1])
        .filter((mb): mb is string => mb !== undefined);
    return given.length > 0 ? Number(given[given.length - 1]) : undefined;
}

/**
 * One line for a child that ran out of heap: which one, at what limit, and how to give it more (twice the
 * limit, or what the machine has left when that is less).
 */
export function outOfHeapMessage(what: string, args: readonly string[]): string {
    const limit = heapLimitMb(args);
    const memoryMb = Math.floor(availableMemoryBytes() / 2 ** 20);
    const more = limit === undefined ? Math.floor(memoryMb * 0.75) : Math.min(limit * 2, memoryMb);
    const at = limit === undefined ? "at Node's default heap limit" : `at its heap limit of ${limit} MB`;
    const advice =
        limit !== undefined && limit * 2 > memoryMb
            ? `this machine has ${memoryMb} MB; run the gate where there is more memory, or give it a larger heap with NODE_OPTIONS=--max-old-space-size=${more}`
            : `give it more with NODE_OPTIONS=--max-old-space-size=${more}`;
    return `${what} ran out of memory ${at}: ${advice}`;
}
