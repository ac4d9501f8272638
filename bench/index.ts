/**
 * `npm run bench [-- --check] [-- --sizes 700,2800] [-- --scale 10000,20000] [-- --profiles org,rules]
 * [-- --account | --no-account] [-- --account-groups N]`: the offline gate against the same program under plain mocks and under the SDK's
 * floor, on synthetic stacks of growing size (the org stack, heavy in instances, and the rule-heavy one; the
 * scaling sizes time the gate alone, on the org stack; the sizes with baselines also run the gate with a pack of
 * the bundled pack's policies doing nothing, `bench/emptyPack.ts`), and `alicloud-sg audit` of a generated account
 * (`--account`: that alone; `--account-groups N`: an account of N groups instead of 5,000, to iterate on a
 * smaller one). See README "Performance".
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROFILE_ENV } from "../engine/profile";
import { measure, type Measurement } from "./measure";
import { accountOfGroups, DEFAULT_ACCOUNT, writeAccount, type AccountShape } from "./account";
import { writeEmptyPack } from "./emptyPack";
import { tiersFor, writeOrgStack } from "./orgStack";
import {
    accountTargets,
    evaluateTargets,
    formatAccount,
    formatTable,
    type AccountResult,
    type PreviewRun,
    type Profile,
    type SizeResult,
} from "./report";
import { ruleTiersFor, writeRuleStack } from "./ruleStack";

const ROOT = path.join(__dirname, "..");
const TS_NODE = require.resolve("ts-node/register/transpile-only");
const BIN = path.join(ROOT, "bin", "alicloud-sg.js");
const DEFAULT_SIZES = [700, 2800];
const DEFAULT_SCALE = [10000, 20000];
const PROFILES: readonly Profile[] = ["org", "rules"];

const WRITERS: Record<Profile, (dir: string, resources: number) => number> = {
    org: (dir, resources) => writeOrgStack(dir, tiersFor(resources)),
    rules: (dir, resources) => writeRuleStack(dir, ruleTiersFor(resources)),
};

interface Options {
    readonly check: boolean;
    readonly sizes: readonly number[];
    readonly scale: readonly number[];
    readonly account: boolean;
    readonly accountShape: AccountShape;
    readonly profiles: readonly Profile[];
}

function sizeList(flag: string, value: string): number[] {
    const sizes = value === "" ? [] : value.split(",").map(Number);
    if (sizes.some((n) => !Number.isInteger(n) || n < 29)) {
        throw new Error(`${flag} must list resource counts of at least 29 (got ${JSON.stringify(value)})`);
    }
    return sizes;
}

function parseOptions(argv: readonly string[]): Options {
    let check = false;
    let sizes = DEFAULT_SIZES;
    let account = true;
    let scale = DEFAULT_SCALE;
    let profiles = PROFILES;
    let accountShape = DEFAULT_ACCOUNT;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--check") {
            check = true;
        } else if (arg === "--account") {
            sizes = [];
            scale = [];
        } else if (arg === "--no-account") {
            account = false;
        } else if (arg === "--account-groups") {
            const value = argv[++i] ?? "";
            const groups = Number(value);
            if (!Number.isInteger(groups) || groups < 1) {
                throw new Error(`--account-groups takes a number of groups (got ${JSON.stringify(value)})`);
            }
            accountShape = accountOfGroups(groups);
        } else if (arg === "--sizes" || arg === "--scale") {
            const value = sizeList(arg, argv[++i] ?? "");
            if (arg === "--sizes") {
                sizes = value;
            } else {
                scale = value;
            }
        } else if (arg === "--profiles") {
            const value = argv[++i] ?? "";
            profiles = value.split(",") as Profile[];
            if (profiles.some((p) => !PROFILES.includes(p))) {
                throw new Error(`--profiles takes ${PROFILES.join(",")} (got ${JSON.stringify(value)})`);
            }
        } else {
            throw new Error(
                `unknown argument ${JSON.stringify(arg)}; use --check, --sizes N,N,..., --scale N,N,..., --profiles org,rules, --account, --no-account or --account-groups N`,
            );
        }
    }
    return { check, sizes, scale, profiles, account, accountShape };
}

function failed(what: string, run: Measurement): Error {
    return new Error(
        `${what} exited with code ${run.exitCode}:\n${run.stderr.trim().split("\n").slice(-15).join("\n")}`,
    );
}

/** The program under plain mocks, (a), or with `--floor` the SDK's floor. */
async function runPlain(dir: string, resources: number, floor: boolean): Promise<Measurement> {
    // Plain mocks need about 1 GB per 1,000 resources, past Node's default heap limit at 11,200: the baseline
    // gets the heap it needs. The gate runs with Node's defaults.
    const heapMb = Math.floor((os.totalmem() / 2 ** 20) * 0.75);
    const plainArgs = [
        `--max-old-space-size=${heapMb}`,
        "-r",
        TS_NODE,
        path.join(__dirname, "plainMocks.ts"),
        dir,
        ...(floor ? ["--floor"] : []),
    ];
    const run = await measure(process.execPath, plainArgs, { cwd: ROOT });
    const what = floor ? "the floor run" : "the plain-mocks run";
    if (run.exitCode !== 0) {
        throw failed(what, run);
    }
    const registered = (JSON.parse(run.stdout) as { resources: number }).resources;
    if (registered !== resources) {
        throw new Error(`${what} registered ${registered} resources, expected ${resources}`);
    }
    return run;
}

async function runSize(
    workDir: string,
    profile: Profile,
    target: number,
    baselines: boolean,
): Promise<SizeResult> {
    const dir = path.join(workDir, `${profile}-${target}`);
    const resources = WRITERS[profile](dir, target);
    process.stderr.write(`bench: ${resources} resources in ${path.relative(ROOT, dir)}\n`);

    let plain: Measurement | undefined;
    let floor: Measurement | undefined;
    if (baselines) {
        process.stderr.write("bench:   (a) plain setMocks...\n");
        plain = await runPlain(dir, resources, false);
        process.stderr.write("bench:   floor: plain setMocks, stack traces off...\n");
        floor = await runPlain(dir, resources, true);
    }

    process.stderr.write("bench:   (b) alicloud-sg preview...\n");
    const { gate, phases, summary } = await runPreview(dir, "report", resources);
    let emptyPack: PreviewRun | undefined;
    if (baselines) {
        process.stderr.write("bench:   (b) with the bundled pack's policies doing nothing...\n");
        const packDir = path.join(dir, "empty-pack");
        writeEmptyPack(packDir);
        emptyPack = await runPreview(dir, "empty-pack-report", resources, ["--policy-pack", packDir]);
        if (emptyPack.summary.mandatory + emptyPack.summary.advisory !== 0) {
            throw new Error("the pack whose policies do nothing reported violations");
        }
    }
    return { profile, resources, plain, floor, gate, phases, summary, emptyPack };
}

/**
 * `alicloud-sg preview` of `dir` as installed: the compiled CLI and its compiled bundled pack (`prebench` builds
 * them), or the packs `packArgs` name.
 */
async function runPreview(
    dir: string,
    name: string,
    resources: number,
    packArgs: readonly string[] = [],
): Promise<PreviewRun> {
    const profileFile = path.join(dir, `${name}-profile.json`);
    const reportFile = path.join(dir, `${name}.json`);
    const env: NodeJS.ProcessEnv = { ...process.env, [PROFILE_ENV]: profileFile };
    delete env.ALICLOUD_SG_FROM_SOURCES;
    const gate = await measure(
        process.execPath,
        [BIN, "preview", dir, ...packArgs, "--format", "json", "--out", reportFile],
        { cwd: ROOT, env },
    );
    // 1 is a mandatory violation: the generated stack has some on purpose.
    if (gate.exitCode !== 0 && gate.exitCode !== 1) {
        throw failed("alicloud-sg preview", gate);
    }
    const report = JSON.parse(fs.readFileSync(reportFile, "utf8")) as { summary: PreviewRun["summary"] };
    if (report.summary.resources !== resources) {
        throw new Error(`the gate recorded ${report.summary.resources} resources, expected ${resources}`);
    }
    const phases = (JSON.parse(fs.readFileSync(profileFile, "utf8")) as { phasesMs: Record<string, number> })
        .phasesMs;
    return { gate, phases, summary: report.summary };
}

/** `alicloud-sg audit --aliyun` of a generated account, as installed (compiled CLI and pack). */
async function runAccount(workDir: string, accountShape: AccountShape): Promise<AccountResult> {
    const dir = path.join(workDir, "account");
    const shape = writeAccount(dir, accountShape);
    const rules = shape.groups * shape.rulesPerGroup;
    process.stderr.write(
        `bench: account of ${shape.groups} groups, ${rules} rules, ${shape.instances} instances in ${path.relative(ROOT, dir)}\n`,
    );
    const profileFile = path.join(workDir, "account-profile.json");
    const reportFile = path.join(workDir, "account-report.json");
    const env: NodeJS.ProcessEnv = { ...process.env, [PROFILE_ENV]: profileFile };
    delete env.ALICLOUD_SG_FROM_SOURCES;
    const audit = await measure(
        process.execPath,
        [BIN, "audit", "--aliyun", dir, "--format", "json", "--out", reportFile],
        {
            cwd: ROOT,
            env,
        },
    );
    if (audit.exitCode !== 0 && audit.exitCode !== 1) {
        throw failed("alicloud-sg audit", audit);
    }
    const report = JSON.parse(fs.readFileSync(reportFile, "utf8")) as { summary: AccountResult["summary"] };
    const expected = shape.groups + rules + shape.instances;
    if (report.summary.resources !== expected) {
        throw new Error(`the audit recorded ${report.summary.resources} resources, expected ${expected}`);
    }
    const phases = (JSON.parse(fs.readFileSync(profileFile, "utf8")) as { phasesMs: Record<string, number> })
        .phasesMs;
    return {
        groups: shape.groups,
        rules,
        instances: shape.instances,
        audit,
        phases,
        summary: report.summary,
    };
}

async function main(): Promise<number> {
    const options = parseOptions(process.argv.slice(2));
    if (!fs.existsSync(path.join(ROOT, "dist", "cli", "index.js"))) {
        throw new Error("dist/ is missing: run `npm run build` (`npm run bench` does) first");
    }
    fs.mkdirSync(path.join(ROOT, ".tmp"), { recursive: true });
    // Under the package root so that the generated program resolves @pulumi/alicloud as a user's project would.
    const workDir = fs.mkdtempSync(path.join(ROOT, ".tmp", "bench-"));
    try {
        const loadAverage = os.loadavg()[0];
        const results: SizeResult[] = [];
        for (const profile of options.profiles) {
            for (const size of options.sizes) {
                results.push(await runSize(workDir, profile, size, true));
            }
        }
        // (a) at 10,000 resources and more takes many minutes and gigabytes: the scaling sizes time the gate.
        for (const size of options.scale) {
            results.push(await runSize(workDir, "org", size, false));
        }
        const targets = results.length > 0 ? evaluateTargets(results, options.profiles) : [];
        if (results.length > 0) {
            process.stdout.write(
                formatTable(results, targets, { cpus: os.cpus().length, node: process.version, loadAverage }),
            );
        }
        if (options.account) {
            const loadBefore = os.loadavg()[0];
            const account = await runAccount(workDir, options.accountShape);
            const accountChecks = accountTargets(account);
            targets.push(...accountChecks);
            // Wall time depends on what else runs: the machine's load is part of the figure.
            const machine =
                `(${os.cpus().length} CPUs, Node ${process.version}, load average ` +
                `${loadBefore.toFixed(1)} before, ${os.loadavg()[0].toFixed(1)} after)`;
            process.stdout.write(
                `${results.length > 0 ? "\n" : ""}${formatAccount(account, accountChecks, machine)}`,
            );
        }
        const missed = targets.filter((t) => t.pass === false);
        return options.check && missed.length > 0 ? 1 : 0;
    } finally {
        fs.rmSync(workDir, { recursive: true, force: true });
    }
}

main().then(
    (code) => {
        process.exitCode = code;
    },
    (err: unknown) => {
        process.stderr.write(`bench: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 2;
    },
);
