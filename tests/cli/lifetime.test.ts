import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BIN, FIXTURES, newRunMarker, processesMentioning, ROOT, runCli, type CliResult } from "./run";

/**
 * Nothing the gate starts outlives it, and nothing it writes stays on disk: on success, on failure, on
 * SIGINT, SIGTERM, SIGHUP and `timeout`, and on SIGKILL or an abort, which run no code in the gate. Every
 * check reads /proc for processes carrying the run's marker (the command, its program host, its packs, the
 * program's helpers) and lists the run's own TMPDIR.
 */
const lingers = path.join(FIXTURES, "programs", "lingers");
const violations = path.join(FIXTURES, "programs", "violations");
const basicPack = path.join(FIXTURES, "packs", "basic");
const TOKEN = "tok-9f2c7e1a55d04b8e-lingers";

interface Run {
    readonly marker: string;
    readonly tmp: string;
    readonly result: Promise<CliResult>;
    readonly pid: number;
}

function privateTmp(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "alicloud-sg-lifetime-"));
}

function start(args: readonly string[], env: NodeJS.ProcessEnv = {}): Run {
    const tmp = privateTmp();
    const marker = newRunMarker();
    let pid = 0;
    const result = runCli(
        args,
        (spawned) => {
            pid = spawned;
        },
        { marker, env: { TMPDIR: tmp, ALICLOUD_SG_SECRET_CONFIG: `token: ${TOKEN}`, ...env } },
    );
    // runCli reports the pid as it spawns; a signal must never go to pid 0, the test's own process group.
    assert.ok(pid > 0, "the command started");
    return { marker, tmp, result, pid };
}

async function waitFor(what: string, predicate: () => boolean, ms = 90_000): Promise<void> {
    for (const started = Date.now(); Date.now() - started < ms;) {
        if (predicate()) {
            return;
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.fail(`timed out waiting for ${what}`);
}

/** Every file under `dir`, with its mode. */
function filesUnder(dir: string): { file: string; mode: number; directory: boolean }[] {
    // ts-node's compile cache (the tests run the sources) is not the gate's.
    const entries = fs
        .readdirSync(dir, { recursive: true })
        .filter((entry) => !String(entry).startsWith("v8-compile-cache"));
    return entries.map((entry) => {
        const file = path.join(dir, String(entry));
        const stat = fs.statSync(file);
        return { file, mode: stat.mode & 0o777, directory: stat.isDirectory() };
    });
}

/** The stream file of the run's private temp directory, once the program has registered a resource. */
function registeredStream(run: Run): string | undefined {
    return filesUnder(run.tmp).find(
        (f) => f.file.endsWith("registered.jsonl") && fs.statSync(f.file).size > 0,
    )?.file;
}

/** What the run left: its processes (within `ms`, for paths where a reaper ends them) and its files. */
async function assertNothingLeft(run: Run, ms = 10_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (processesMentioning("", run.marker).length > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.deepStrictEqual(processesMentioning("", run.marker), [], "processes left running");
    assert.deepStrictEqual(
        filesUnder(run.tmp).map((f) => f.file),
        [],
        "files left in the run's temp directory",
    );
    fs.rmSync(run.tmp, { recursive: true, force: true });
}

/** Waits until the program has registered its secret resource and the pack runs, and checks the files are private. */
async function untilRegistered(run: Run): Promise<void> {
    await waitFor("the program's first registration", () => registeredStream(run) !== undefined);
    await waitFor("the policy pack", () => processesMentioning("run-policy-pack", run.marker).length > 0);
    const files = filesUnder(run.tmp);
    assert.ok(files.length >= 2, JSON.stringify(files));
    for (const { file, mode, directory } of files) {
        assert.strictEqual(mode, directory ? 0o700 : 0o600, `${file} has mode ${mode.toString(8)}`);
    }
    assert.ok(
        fs.readFileSync(registeredStream(run) as string, "utf8").includes(TOKEN),
        "the stream holds the secret: what the checks after exit look for is really written",
    );
    assert.ok(processesMentioning("sleep 600", run.marker).length > 0, "the helper sharing the group runs");
    assert.ok(processesMentioning("sleep 601", run.marker).length > 0, "the helper in its own session runs");
}

describe("alicloud-sg preview: nothing left behind", function () {
    this.timeout(300_000);

    for (const [signal, code] of [
        ["SIGINT", 130],
        ["SIGTERM", 143],
        ["SIGHUP", 129],
    ] as const) {
        it(`${signal}: exits ${code}, ends the program, its helpers and the pack, and removes its private files`, async () => {
            const run = start(["preview", lingers, "--policy-pack", basicPack]);
            await untilRegistered(run);
            process.kill(run.pid, signal);
            const result = await run.result;
            assert.strictEqual(result.code, code, result.stderr);
            await assertNothingLeft(run, 2_000);
        });
    }

    it("timeout(1): the TERM it sends ends everything the same way", async () => {
        const tmp = privateTmp();
        const marker = newRunMarker();
        const started = Date.now();
        const child = spawn(
            "timeout",
            ["20", process.execPath, BIN, "preview", lingers, "--policy-pack", basicPack],
            {
                cwd: ROOT,
                env: {
                    ...process.env,
                    ALICLOUD_SG_FROM_SOURCES: "1",
                    TMPDIR: tmp,
                    ALICLOUD_SG_SECRET_CONFIG: `token: ${TOKEN}`,
                    [marker.split("=")[0]]: marker.split("=")[1],
                },
                stdio: "ignore",
            },
        );
        const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
        assert.strictEqual(code, 124, "timeout reports that it timed out");
        assert.ok(Date.now() - started < 60_000, "the command ended when timeout signalled it");
        await assertNothingLeft({ marker, tmp, pid: 0, result: Promise.resolve({} as CliResult) }, 2_000);
    });

    for (const moment of [
        "as soon as the program host runs",
        "once the program has registered and the pack runs",
    ]) {
        it(`SIGKILL ${moment}: the reaper ends every process and removes the private files within seconds`, async () => {
            const run = start(["preview", lingers, "--policy-pack", basicPack]);
            if (moment.startsWith("as soon")) {
                await waitFor(
                    "the program host",
                    () => processesMentioning("programHost", run.marker).length > 0,
                );
            } else {
                await untilRegistered(run);
            }
            process.kill(run.pid, "SIGKILL");
            const result = await run.result;
            assert.strictEqual(result.signal, "SIGKILL");
            await assertNothingLeft(run);
        });
    }

    it("SIGABRT, as a V8 heap abort ends the gate: the reaper cleans up the same way", async () => {
        const run = start(["preview", lingers, "--policy-pack", basicPack]);
        await untilRegistered(run);
        process.kill(run.pid, "SIGABRT");
        const result = await run.result;
        assert.strictEqual(result.signal, "SIGABRT");
        await assertNothingLeft(run);
    });

    it("waits for the program to exit, not for a helper holding its stdout and stderr, and ends the helper", async () => {
        const started = Date.now();
        const run = start(
            ["preview", path.join(FIXTURES, "programs", "holds-stdio"), "--policy-pack", basicPack],
            {
                ALICLOUD_SG_TEST_DETACHED_HELPER: "1",
            },
        );
        const result = await run.result;
        assert.strictEqual(result.code, 0, result.stderr);
        assert.ok(Date.now() - started < 120_000, "the helper sleeps 600 s; the gate did not wait for it");
        await assertNothingLeft(run, 2_000);
    });

    it("on success and on a program failure alike, no process and no file is left", async () => {
        const ok = start(["preview", violations, "--policy-pack", basicPack]);
        assert.strictEqual((await ok.result).code, 1);
        await assertNothingLeft(ok, 2_000);
        const failing = start([
            "preview",
            path.join(FIXTURES, "programs", "throws"),
            "--policy-pack",
            basicPack,
        ]);
        assert.strictEqual((await failing.result).code, 2);
        await assertNothingLeft(failing, 2_000);
    });
});

describe("alicloud-sg preview: a pack that hangs, throws or exits", function () {
    this.timeout(300_000);

    it("a pack that never answers: exit 2 once the call's deadline passes, naming the pack and the call", async () => {
        for (const [args, env] of [
            [["--pack-timeout", "4"], {}],
            [[], { ALICLOUD_SG_PACK_TIMEOUT: "4" }],
        ] as const) {
            const run = start(
                ["preview", violations, "--policy-pack", path.join(FIXTURES, "packs", "hung"), ...args],
                env,
            );
            const result = await run.result;
            assert.strictEqual(result.code, 2, result.stderr);
            assert.strictEqual(
                result.stderr,
                "alicloud-sg: policy pack fixture-hung (tests/fixtures/packs/hung) did not answer Analyze of " +
                    "resource sg-undescribed (alicloud:ecs/securityGroup:SecurityGroup) within 4 s " +
                    "(--pack-timeout or ALICLOUD_SG_PACK_TIMEOUT sets how long the gate waits)\n",
            );
            await assertNothingLeft(run, 2_000);
        }
    });

    it("a policy that throws: one line naming the pack, the policy, the call and the error", async () => {
        const run = start(["preview", violations, "--policy-pack", path.join(FIXTURES, "packs", "throws")]);
        const result = await run.result;
        assert.strictEqual(result.code, 2, result.stderr);
        assert.match(
            result.stderr,
            /^alicloud-sg: policy pack fixture-throws \(tests\/fixtures\/packs\/throws\) failed in Analyze of resource (allow-intranet|allow-ssh) \(alicloud:ecs\/securityGroupRule:SecurityGroupRule\): policy fixture-reads-missing-field threw TypeError: cannot read the peer of (allow-intranet|allow-ssh): sourceGroup is undefined\n$/,
        );
        await assertNothingLeft(run, 2_000);
    });

    it("a pack that exits mid-analysis: one line with its exit code and its last words", async () => {
        const run = start(["preview", violations, "--policy-pack", path.join(FIXTURES, "packs", "exits")]);
        const result = await run.result;
        assert.strictEqual(result.code, 2, result.stderr);
        assert.strictEqual(
            result.stderr,
            "alicloud-sg: policy pack fixture-exits (tests/fixtures/packs/exits) exited with code 3 during Analyze: " +
                "fixture-exits-on-rules: license check failed, exiting\n",
        );
        await assertNothingLeft(run, 2_000);
    });
});
