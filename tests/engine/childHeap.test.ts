import * as assert from "assert";
import * as path from "path";
import {
    availableMemoryBytes,
    childHeapArgs,
    stackPackHeapMb,
    outOfHeapMessage,
    parseCgroupLimit,
    ranOutOfHeap,
} from "../../engine/childHeap";
import { FIXTURES, newRunMarker, processesMentioning, ROOT, runCli } from "../cli/run";

const GiB = 2 ** 30;

describe("engine/childHeap: the heap of the processes the gate starts", () => {
    it("reads a cgroup v2 or v1 limit, and treats `max` and v1's huge 'no limit' as none", () => {
        assert.strictEqual(parseCgroupLimit("2147483648\n"), 2147483648);
        assert.strictEqual(parseCgroupLimit("max\n"), undefined);
        assert.strictEqual(parseCgroupLimit("9223372036854771712\n"), undefined);
        assert.strictEqual(parseCgroupLimit(""), undefined);
    });

    it("takes the cgroup's limit when it is below the machine's memory, the machine's otherwise", () => {
        const files = (v2: string | undefined, v1: string | undefined) => (file: string) => {
            const text = file.endsWith("memory.max") ? v2 : v1;
            if (text === undefined) {
                throw Object.assign(new Error(`ENOENT: ${file}`), { code: "ENOENT" });
            }
            return text;
        };
        assert.strictEqual(availableMemoryBytes(files("3221225472\n", undefined), 24 * GiB), 3 * GiB);
        assert.strictEqual(availableMemoryBytes(files(undefined, "1073741824\n"), 24 * GiB), GiB);
        assert.strictEqual(availableMemoryBytes(files("max\n", undefined), 24 * GiB), 24 * GiB);
        assert.strictEqual(availableMemoryBytes(files("64424509440\n", undefined), 24 * GiB), 24 * GiB);
        assert.strictEqual(availableMemoryBytes(files(undefined, undefined), 16 * GiB), 16 * GiB);
    });

    it("sizes a child's heap from the memory, unless the user set a limit, which then wins", () => {
        const none = { execArgv: [], nodeOptions: "" };
        assert.deepStrictEqual(childHeapArgs(0.5, { ...none, memoryBytes: 24 * GiB }), [
            "--max-old-space-size=12288",
        ]);
        assert.deepStrictEqual(childHeapArgs(0.25, { ...none, memoryBytes: 24 * GiB }), [
            "--max-old-space-size=6144",
        ]);
        // A small container still gives a child enough for a small stack.
        assert.deepStrictEqual(childHeapArgs(0.25, { ...none, memoryBytes: GiB }), [
            "--max-old-space-size=512",
        ]);
        // In NODE_OPTIONS the child inherits it: nothing to add.
        for (const nodeOptions of [
            "--max-old-space-size=3000",
            "--inspect=0 --max_old_space_size=3000",
            "--max-old-space-size 3000",
        ]) {
            assert.deepStrictEqual(
                childHeapArgs(0.5, { execArgv: [], nodeOptions, memoryBytes: 24 * GiB }),
                [],
                nodeOptions,
            );
        }
        // Given to the gate's own node: passed on as given.
        assert.deepStrictEqual(
            childHeapArgs(0.5, {
                execArgv: ["--enable-source-maps", "--max-old-space-size=7000"],
                nodeOptions: "",
                memoryBytes: 24 * GiB,
            }),
            ["--max-old-space-size=7000"],
        );
        // A flag that only starts alike is not a heap limit.
        assert.deepStrictEqual(
            childHeapArgs(0.5, {
                execArgv: [],
                nodeOptions: "--max-semi-space-size=64",
                memoryBytes: 8 * GiB,
            }),
            ["--max-old-space-size=4096"],
        );
    });

    it("sizes a pack for a stack read from its bytes, within the machine's share, and a user's limit still wins", () => {
        const none = { execArgv: [], nodeOptions: "" };
        // An account of 23 MB of responses: 256 MB and 50 times 23 MB.
        const account = stackPackHeapMb(23 * 2 ** 20);
        assert.strictEqual(account, 1406);
        assert.strictEqual(stackPackHeapMb(0), 256);
        // What the stack needs, on a machine with more to give.
        assert.deepStrictEqual(childHeapArgs(0.25, { ...none, memoryBytes: 24 * GiB, neededMb: account }), [
            "--max-old-space-size=1406",
        ]);
        // The machine's share, when that is less than the stack would like (a 2 GiB container: 512 MB).
        assert.deepStrictEqual(childHeapArgs(0.25, { ...none, memoryBytes: 2 * GiB, neededMb: account }), [
            "--max-old-space-size=512",
        ]);
        assert.deepStrictEqual(childHeapArgs(0.25, { ...none, memoryBytes: 6 * GiB, neededMb: account }), [
            "--max-old-space-size=1406",
        ]);
        assert.deepStrictEqual(childHeapArgs(0.25, { ...none, memoryBytes: 5 * GiB, neededMb: account }), [
            "--max-old-space-size=1280",
        ]);
        assert.deepStrictEqual(childHeapArgs(0.25, { ...none, memoryBytes: 2.5 * GiB, neededMb: account }), [
            "--max-old-space-size=640",
        ]);
        // Never below the floor, however little a small stack needs.
        assert.deepStrictEqual(childHeapArgs(0.25, { ...none, memoryBytes: 24 * GiB, neededMb: 256 }), [
            "--max-old-space-size=512",
        ]);
        // A limit in NODE_OPTIONS (which the pack inherits) or given to the gate's own node wins, as for preview.
        assert.deepStrictEqual(
            childHeapArgs(0.25, {
                execArgv: [],
                nodeOptions: "--max_old_space_size=3000",
                memoryBytes: 24 * GiB,
                neededMb: account,
            }),
            [],
        );
        assert.deepStrictEqual(
            childHeapArgs(0.25, {
                execArgv: ["--max-old-space-size=4000"],
                nodeOptions: "",
                memoryBytes: 24 * GiB,
                neededMb: account,
            }),
            ["--max-old-space-size=4000"],
        );
    });

    it("recognizes V8's out-of-memory report, and nothing else", () => {
        assert.ok(
            ranOutOfHeap(
                "<--- Last few GCs --->\n[4066:0x6a1e000] 30671 ms: Mark-Compact 4045.2 (4139.1) -> 4040.9 (4141.6) MB\n" +
                    "FATAL ERROR: Ineffective mark-compacts near heap limit Allocation failed - JavaScript heap out of memory\n",
            ),
        );
        assert.ok(
            ranOutOfHeap("FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory"),
        );
        assert.ok(!ranOutOfHeap("RangeError: Maximum call stack size exceeded"));
        assert.ok(!ranOutOfHeap("Error: out of memory budget for the tier (ecs.g7.large)"));
    });

    it("the message names what ran out, its limit, and a larger one to give", () => {
        assert.strictEqual(
            outOfHeapMessage("program index.ts", ["--max-old-space-size=2048"]),
            "program index.ts ran out of memory at its heap limit of 2048 MB: " +
                "give it more with NODE_OPTIONS=--max-old-space-size=4096",
        );
    });
});

/**
 * Runs the command on `program` with `pack` under a 256 MB heap limit (small enough to reach in seconds, large
 * enough for the gate itself); asserts that nothing is left running and that it exited 2 with `line` alone.
 */
async function assertOutOfHeap(program: string, pack: string, line: string): Promise<void> {
    const marker = newRunMarker();
    const result = await runCli(["preview", program, "--policy-pack", pack], undefined, {
        marker,
        env: { NODE_OPTIONS: "--max-old-space-size=256" },
    });
    assert.deepStrictEqual(processesMentioning("", marker), [], "processes left running");
    assert.strictEqual(result.code, 2, result.stderr);
    assert.strictEqual(result.stderr, `alicloud-sg: ${line}\n`);
    assert.strictEqual(result.stdout, "");
}

const relative = (file: string): string => path.relative(ROOT, file);

describe("alicloud-sg preview: a program or a pack that runs out of memory", function () {
    this.timeout(300_000);

    it("exits 2 with one line saying so and how to give more, never V8's dump", async () => {
        const program = path.join(FIXTURES, "programs", "exhausts-heap");
        await assertOutOfHeap(
            program,
            path.join(FIXTURES, "packs", "basic"),
            `program ${relative(program)} ran out of memory at its heap limit of 256 MB: ` +
                "give it more with NODE_OPTIONS=--max-old-space-size=512",
        );
    });

    it("a pack that runs out of heap: exit 2, one line naming the pack and the call, never V8's dump", async () => {
        const pack = path.join(FIXTURES, "packs", "exhausts-heap");
        await assertOutOfHeap(
            path.join(FIXTURES, "programs", "violations"),
            pack,
            `policy pack fixture-exhausts-heap (${relative(pack)}) (during AnalyzeStack) ran out of memory at ` +
                "its heap limit of 256 MB: give it more with NODE_OPTIONS=--max-old-space-size=512",
        );
    });
});
