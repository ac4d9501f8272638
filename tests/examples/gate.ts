import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const ROOT = path.resolve(__dirname, "..", "..");
const BIN = path.join(ROOT, "bin", "alicloud-sg.js");

/** The `--format json` document of `alicloud-sg preview` (DESIGN §3), as far as these tests read it. */
export interface PreviewReport {
    readonly project: string;
    readonly stack: string;
    readonly resources: {
        urn: string;
        type: string;
        name: string;
        parent: string | null;
        inputs: Record<string, unknown>;
    }[];
    readonly violations: {
        policyName: string;
        enforcementLevel: string;
        message: string;
        resourceType: string | null;
        resourceName: string | null;
        source: string | null;
    }[];
    readonly invokes: { token: string; args: unknown; answer: "unknown" | "pinned"; source: string | null }[];
    readonly summary: { resources: number; mandatory: number; advisory: number };
}

export interface GateRun {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
    /** The parsed report; undefined when the command printed none (exit 2). */
    readonly report?: PreviewReport;
}

// Each run is a command, a program host and a pack runner: two at a time is what two cores take.
const MAX_PARALLEL = Math.max(1, Math.min(2, os.cpus().length));
let running = 0;
const waiting: (() => void)[] = [];

async function slot<T>(work: () => Promise<T>): Promise<T> {
    if (running >= MAX_PARALLEL) {
        await new Promise<void>((resolve) => waiting.push(resolve));
    }
    running++;
    try {
        return await work();
    } finally {
        running--;
        waiting.shift()?.();
    }
}

/**
 * Runs the real command, `alicloud-sg preview <dir> --format json [...args]`, as a user's CI would. Programs
 * import the library by its package name, which resolves to the build in `dist/`: a missing build fails
 * loudly rather than testing something else.
 */
export function preview(dir: string, args: readonly string[] = []): Promise<GateRun> {
    return alicloudSg(["preview", dir, "--format", "json", ...args]);
}

/** Runs the built command with `args`; the report is parsed when stdout holds JSON. */
export function alicloudSg(args: readonly string[]): Promise<GateRun> {
    if (!fs.existsSync(path.join(ROOT, "dist", "index.js"))) {
        throw new Error("dist/ is missing: run `npm run build` (npm test does) before these tests");
    }
    return slot(
        () =>
            new Promise<GateRun>((resolve, reject) => {
                const child = spawn(process.execPath, [BIN, ...args], {
                    cwd: ROOT,
                    env: { ...process.env, NO_COLOR: "1" },
                    stdio: ["ignore", "pipe", "pipe"],
                });
                let stdout = "";
                let stderr = "";
                child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
                child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
                child.on("error", reject);
                child.on("close", (code) => {
                    let report: PreviewReport | undefined;
                    if (stdout.trim()) {
                        try {
                            const parsed = JSON.parse(stdout) as PreviewReport | { error: unknown };
                            // Exit 2 prints DESIGN §3's error document instead of a report.
                            report = "error" in parsed ? undefined : parsed;
                        } catch {
                            report = undefined;
                        }
                    }
                    resolve({ code, stdout, stderr, report });
                });
            }),
    );
}

/** The report of a run that must have produced one, with the command's stderr in the failure message. */
export function reportOf(run: GateRun): PreviewReport {
    if (!run.report) {
        throw new Error(`alicloud-sg printed no JSON report (exit ${run.code}):\n${run.stderr}`);
    }
    return run.report;
}

/** Resource counts by type, sorted: exact and readable in a failure. */
export function countsByType(report: PreviewReport): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const resource of [...report.resources].sort((a, b) => a.type.localeCompare(b.type))) {
        counts[resource.type] = (counts[resource.type] ?? 0) + 1;
    }
    return counts;
}

/** `<level> <policy> <resource>` lines, sorted. */
export function violationLines(report: PreviewReport, level?: "mandatory" | "advisory"): string[] {
    return report.violations
        .filter((v) => level === undefined || v.enforcementLevel === level)
        .map((v) => `${v.enforcementLevel} ${v.policyName} ${v.resourceName}`)
        .sort();
}
