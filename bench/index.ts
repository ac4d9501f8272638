/**
 * `npm run bench [-- --check] [-- --sizes 700,2800,11200] [-- --account | --no-account]`: the offline gate against
 * the same program under plain mocks, on synthetic organisation stacks of growing size, and `alicloud-sg audit`
 * of a generated account (`--account`: that alone). See README "Performance".
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROFILE_ENV } from "../engine/profile";
import { measure, type Measurement } from "./measure";
import { DEFAULT_ACCOUNT, writeAccount } from "./account";
import { tiersFor, writeOrgStack } from "./orgStack";
import {
    accountTargets,
    evaluateTargets,
    formatAccount,
    formatTable,
    type AccountResult,
    type SizeResult,
} from "./report";

const ROOT = path.join(__dirname, "..");
const TS_NODE = require.resolve("ts-node/register/transpile-only");
const BIN = path.join(ROOT, "bin", "alicloud-sg.js");
const DEFAULT_SIZES = [700, 2800, 11200];

interface Options {
    readonly check: boolean;
    readonly sizes: readonly number[];
    readonly account: boolean;
}

function parseOptions(argv: readonly string[]): Options {
    let check = false;
    let sizes = DEFAULT_SIZES;
    let account = true;
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i];
        if (arg === "--check") {
            check = true;
        } else if (arg === "--account") {
            sizes = [];
        } else if (arg === "--no-account") {
            account = false;
        } else if (arg === "--sizes") {
            const value = argv[++i] ?? "";
            sizes = value.split(",").map(Number);
            if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 29)) {
                throw new Error(
                    `--sizes must list resource counts of at least 29 (got ${JSON.stringify(value)})`,
                );
            }
        } else {
            throw new Error(
                `unknown argument ${JSON.stringify(arg)}; use --check, --sizes N,N,..., --account or --no-account`,
            );
        }
    }
    return { check, sizes, account };
}

function failed(what: string, run: Measurement): Error {
    return new Error(
        `${what} exited with code ${run.exitCode}:\n${run.stderr.trim().split("\n").slice(-15).join("\n")}`,
    );
}

async function runSize(workDir: string, target: number): Promise<SizeResult> {
    const dir = path.join(workDir, `org-${target}`);
    const resources = writeOrgStack(dir, tiersFor(target));
    process.stderr.write(`bench: ${resources} resources in ${path.relative(ROOT, dir)}\n`);

    process.stderr.write("bench:   (a) plain setMocks...\n");
    // Plain mocks need about 1 GB per 1,000 resources, past Node's default heap limit at 11,200: the baseline
    // gets the heap it needs. The gate runs with Node's defaults.
    const heapMb = Math.floor((os.totalmem() / 2 ** 20) * 0.75);
    const plainArgs = [
        `--max-old-space-size=${heapMb}`,
        "-r",
        TS_NODE,
        path.join(__dirname, "plainMocks.ts"),
        dir,
    ];
    const plain = await measure(process.execPath, plainArgs, { cwd: ROOT });
    if (plain.exitCode !== 0) {
        throw failed("the plain-mocks run", plain);
    }
    const registered = (JSON.parse(plain.stdout) as { resources: number }).resources;
    if (registered !== resources) {
        throw new Error(`the plain-mocks run registered ${registered} resources, expected ${resources}`);
    }

    process.stderr.write("bench:   (b) alicloud-sg preview...\n");
    const profileFile = path.join(dir, "profile.json");
    const reportFile = path.join(dir, "report.json");
    // The command as installed: the compiled CLI and its compiled bundled pack (`prebench` builds them).
    const env: NodeJS.ProcessEnv = { ...process.env, [PROFILE_ENV]: profileFile };
    delete env.ALICLOUD_SG_FROM_SOURCES;
    const gate = await measure(
        process.execPath,
        [BIN, "preview", dir, "--format", "json", "--out", reportFile],
        { cwd: ROOT, env },
    );
    // 1 is a mandatory violation: the generated stack has some on purpose.
    if (gate.exitCode !== 0 && gate.exitCode !== 1) {
        throw failed("alicloud-sg preview", gate);
    }
    const report = JSON.parse(fs.readFileSync(reportFile, "utf8")) as {
        summary: { resources: number; mandatory: number; advisory: number };
    };
    if (report.summary.resources !== resources) {
        throw new Error(`the gate recorded ${report.summary.resources} resources, expected ${resources}`);
    }
    const phases = (JSON.parse(fs.readFileSync(profileFile, "utf8")) as { phasesMs: Record<string, number> })
        .phasesMs;
    return { resources, plain, gate, phases, summary: report.summary };
}

/** `alicloud-sg audit --aliyun` of a generated account, as installed (compiled CLI and pack). */
async function runAccount(workDir: string): Promise<AccountResult> {
    const dir = path.join(workDir, "account");
    const shape = writeAccount(dir, DEFAULT_ACCOUNT);
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
        const results: SizeResult[] = [];
        for (const size of options.sizes) {
            results.push(await runSize(workDir, size));
        }
        const targets = results.length > 0 ? evaluateTargets(results) : [];
        if (results.length > 0) {
            process.stdout.write(
                formatTable(results, targets, { cpus: os.cpus().length, node: process.version }),
            );
        }
        if (options.account) {
            const loadBefore = os.loadavg()[0];
            const account = await runAccount(workDir);
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
