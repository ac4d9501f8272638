import { randomUUID } from "crypto";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";

export const ROOT = path.resolve(__dirname, "..", "..");
export const BIN = path.join(ROOT, "bin", "alicloud-sg.js");
export const FIXTURES = path.join(ROOT, "tests", "fixtures");

/**
 * `policy@resource` of each mandatory violation designed into tests/fixtures/programs/violations (DESIGN §5): SSH
 * from 0.0.0.0/0 is both a broad intranet CIDR and an open risky port; 10.0.0.0/8 is broader than /16;
 * sg-untagged has no tags.
 */
export const VIOLATIONS_FIXTURE_MANDATORY: readonly string[] = [
    "disallow-broad-intranet-cidr@allow-intranet",
    "disallow-broad-intranet-cidr@allow-ssh",
    "disallow-public-risky-ports@allow-ssh",
    "missing-security-group-tags@sg-untagged",
];

export interface CliResult {
    readonly code: number | null;
    readonly signal: NodeJS.Signals | null;
    readonly stdout: string;
    readonly stderr: string;
}

/**
 * Marks every process these tests start (the command, and through inherited environment its program host and
 * pack runners), so leftovers are found without confusing them with other suites' processes.
 */
const RUN_MARKER = `ALICLOUD_SG_TEST_RUN=${randomUUID()}`;

export interface CliOptions {
    /** Added to the command's environment. */
    readonly env?: NodeJS.ProcessEnv;
    /** `NAME=VALUE` marking the processes of this run; {@link RUN_MARKER} by default. */
    readonly marker?: string;
}

/** A marker of its own for one run, so that what it leaves behind is told apart from every other run's. */
export function newRunMarker(): string {
    return `ALICLOUD_SG_TEST_RUN=${randomUUID()}`;
}

/** Runs the real `alicloud-sg` command from the current sources, from the repository root. */
export function runCli(
    args: readonly string[],
    onSpawn?: (pid: number) => void,
    options: CliOptions = {},
): Promise<CliResult> {
    const marker = options.marker ?? RUN_MARKER;
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [BIN, ...args], {
            cwd: ROOT,
            env: {
                ...process.env,
                ALICLOUD_SG_FROM_SOURCES: "1",
                NO_COLOR: "1",
                ...options.env,
                [marker.split("=")[0]]: marker.split("=")[1],
            },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("error", reject);
        child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr }));
        if (onSpawn && child.pid !== undefined) {
            onSpawn(child.pid);
        }
    });
}

/**
 * Command lines of live processes started by these tests whose command line mentions `needle`, read from
 * `/proc`: every process the command started, and whatever those started, inherits the marker.
 */
export function processesMentioning(needle: string, marker: string = RUN_MARKER): string[] {
    const found: string[] = [];
    for (const pid of fs.readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
        try {
            const environ = fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
            const args = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ");
            const state = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.[0];
            // A zombie has ended; it only waits for its parent to read its status.
            if (environ.includes(marker) && args.includes(needle) && state !== "Z") {
                found.push(`${pid} ${args.trim()}`);
            }
        } catch {
            // The process ended while we looked, or is not ours to read.
        }
    }
    return found;
}

/** Line number (1-based) of the first line of `file` containing `text`: expected source positions. */
export function lineOf(file: string, text: string): number {
    const lines = fs.readFileSync(file, "utf8").split("\n");
    const index = lines.findIndex((line) => line.includes(text));
    if (index < 0) {
        throw new Error(`${text} not found in ${file}`);
    }
    return index + 1;
}

/**
 * A project written under the repository's `.tmp/` (ignored), where its program resolves `@pulumi/alicloud` and
 * this package as a user's project does: `files` maps paths inside it to their text. The caller removes it.
 */
export function tempProject(label: string, files: Readonly<Record<string, string>>): string {
    fs.mkdirSync(path.join(ROOT, ".tmp"), { recursive: true });
    const dir = fs.mkdtempSync(path.join(ROOT, ".tmp", `${label}-`));
    for (const [file, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), text);
    }
    return dir;
}
