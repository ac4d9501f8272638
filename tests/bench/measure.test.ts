import * as assert from "assert";
import { measure } from "../../bench/measure";

const MB = 2 ** 20;

/** A process that holds `mb` MB of touched memory for `ms` milliseconds, as `node -e` source. */
const holder = (mb: number, ms: number): string =>
    `const b = Buffer.alloc(${mb} * 1024 * 1024, 1); setTimeout(() => b.length, ${ms});`;

describe("bench/measure: the peak memory of a whole process tree", () => {
    it("counts a grandchild started by a child, with everything alive at once", async () => {
        // The command holds 100 MB and starts a child holding 150 MB, which starts a grandchild holding 200 MB.
        const grandchild = holder(200, 1500);
        const child = `${holder(150, 2000)} require("child_process").spawn(process.execPath, ["-e", ${JSON.stringify(grandchild)}], { stdio: "inherit" });`;
        const command = `${holder(100, 2500)} require("child_process").spawn(process.execPath, ["-e", ${JSON.stringify(child)}], { stdio: "inherit" });`;
        const result = await measure(process.execPath, ["-e", command], { cwd: process.cwd() });
        assert.strictEqual(result.exitCode, 0, result.stderr);
        // 450 MB held at once, plus three runtimes; less than the three runtimes twice over.
        assert.ok(result.peakRssBytes >= 450 * MB, `peak ${Math.round(result.peakRssBytes / MB)} MB`);
        assert.ok(
            result.peakRssBytes < 450 * MB + 300 * MB,
            `peak ${Math.round(result.peakRssBytes / MB)} MB`,
        );
    });

    it("counts a process started by another thread than the main one, found by the scan of /proc", async () => {
        // A worker thread forks the holder: the main thread's children list does not show it.
        const worker = `require("child_process").spawn(process.execPath, ["-e", ${JSON.stringify(holder(300, 1500))}], { stdio: "inherit" });`;
        const command = `new (require("worker_threads").Worker)(${JSON.stringify(worker)}, { eval: true }); setTimeout(() => {}, 2000);`;
        const result = await measure(process.execPath, ["-e", command], { cwd: process.cwd() });
        assert.strictEqual(result.exitCode, 0, result.stderr);
        assert.ok(result.peakRssBytes >= 300 * MB, `peak ${Math.round(result.peakRssBytes / MB)} MB`);
    });
});
