import { spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GateError } from "./errors";
import { HOST_SPEC_ENV, type HostResult, type HostSpec } from "./programHost";
import type { ProjectSettings } from "./project";
import type { ProgramRun, RecordedResource } from "./types";
import { trackChild } from "./children";
import type { RegisteredResources } from "./registeredResources";

export interface RunProgramOptions {
    /** Extra arguments for the child `node`, e.g. `--max-old-space-size`. */
    readonly nodeArgs?: readonly string[];
    /**
     * Receives each resource as the program registers it (reads of existing resources excepted) and is ended
     * when the program has finished or failed; the returned run remains the complete record.
     */
    readonly registered?: RegisteredResources;
}

/** How to start a module of this package in a child: compiled JavaScript directly, sources through ts-node. */
function childEntry(moduleBase: string): string[] {
    const js = path.join(__dirname, `${moduleBase}.js`);
    if (fs.existsSync(js) && path.extname(__filename) === ".js") {
        return [js];
    }
    return [
        "-r",
        require.resolve("ts-node/register/transpile-only"),
        path.join(__dirname, `${moduleBase}.ts`),
    ];
}

/**
 * Runs the project's program in a child process under the SDK's mock runtime and returns every resource it
 * registered. A program that throws or rejects becomes a {@link GateError} carrying its own message and the
 * location it was thrown from.
 */
export async function runProgram(
    project: ProjectSettings,
    options: RunProgramOptions = {},
): Promise<ProgramRun> {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "alicloud-sg-"));
    const resultFile = path.join(tmp, "resources.json");
    const streamFile = path.join(tmp, "registered.jsonl");
    const spec: HostSpec = {
        projectDir: project.dir,
        program: project.program,
        project: project.name,
        stack: project.stack,
        organization: project.organization,
        resultFile,
        ...(options.registered ? { streamFile } : {}),
    };
    const follow = options.registered ? followStream(streamFile, options.registered) : undefined;
    const env: NodeJS.ProcessEnv = {
        ...process.env,
        [HOST_SPEC_ENV]: JSON.stringify(spec),
        PULUMI_CONFIG: JSON.stringify(project.config),
        PULUMI_CONFIG_SECRET_KEYS: JSON.stringify(project.secretKeys),
        PULUMI_NODEJS_PROJECT: project.name,
        PULUMI_NODEJS_STACK: project.stack,
        PULUMI_NODEJS_ORGANIZATION: project.organization,
        // Always a preview: ids and provider-computed outputs stay unknown, as `pulumi preview` has them.
        PULUMI_NODEJS_DRY_RUN: "true",
        PULUMI_NODEJS_ROOT_DIRECTORY: project.dir,
    };
    const started = Date.now();
    try {
        const { code, signal, stderr } = await new Promise<{
            code: number | null;
            signal: NodeJS.Signals | null;
            stderr: string;
        }>((resolve, reject) => {
            const child = spawn(
                process.execPath,
                [...(options.nodeArgs ?? []), ...childEntry("programHost")],
                {
                    cwd: project.dir,
                    env,
                    stdio: ["ignore", "pipe", "pipe"],
                },
            );
            const untrack = trackChild(child);
            let stderrText = "";
            // The program's own console output must not reach our stdout: JSON output owns it.
            child.stdout.on("data", (chunk: Buffer) => process.stderr.write(chunk));
            child.stderr.on("data", (chunk: Buffer) => {
                stderrText += chunk.toString();
            });
            child.on("error", (err) => {
                untrack();
                reject(err);
            });
            child.on("close", (exitCode, exitSignal) => {
                untrack();
                resolve({ code: exitCode, signal: exitSignal, stderr: stderrText });
            });
        });
        follow?.stop();
        const durationMs = Date.now() - started;
        if (!fs.existsSync(resultFile)) {
            const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
            throw new GateError(
                "program",
                `program ${path.relative(process.cwd(), project.program) || "."} ${how} before it finished` +
                    (stderr.trim() ? `:\n${stderr.trim()}` : ""),
            );
        }
        if (stderr.trim()) {
            process.stderr.write(stderr);
        }
        const result = JSON.parse(fs.readFileSync(resultFile, "utf8")) as HostResult;
        if (result.error) {
            const where = result.error.location ? ` (at ${result.error.location})` : "";
            throw new GateError("program", `program failed: ${result.error.message}${where}`);
        }
        const resources = result.resources ?? [];
        // The record is the complete list: whatever the stream did not pass on follows, in registration order.
        for (const resource of resources) {
            if (!resource.external) {
                options.registered?.push(resource);
            }
        }
        return { project: project.name, stack: project.stack, resources, durationMs };
    } finally {
        follow?.stop();
        options.registered?.end();
        fs.rmSync(tmp, { recursive: true, force: true });
    }
}

/** How often the stream file is read for new registrations while the program runs. */
const STREAM_POLL_MS = 20;

/**
 * Reads the host's stream file (one JSON resource a line, appended as registered) while the program runs and
 * passes each complete line on; `stop` reads what is left.
 */
function followStream(file: string, registered: RegisteredResources): { stop(): void } {
    let offset = 0;
    let partial = "";
    const buffer = Buffer.alloc(1 << 20);
    const drain = (): void => {
        let fd: number;
        try {
            fd = fs.openSync(file, "r");
        } catch {
            return; // Not created yet.
        }
        try {
            for (;;) {
                const read = fs.readSync(fd, buffer, 0, buffer.length, offset);
                if (read === 0) {
                    break;
                }
                offset += read;
                const lines = (partial + buffer.toString("utf8", 0, read)).split("\n");
                partial = lines.pop() ?? "";
                for (const line of lines) {
                    registered.push(JSON.parse(line) as RecordedResource);
                }
            }
        } finally {
            fs.closeSync(fd);
        }
    };
    const timer = setInterval(drain, STREAM_POLL_MS);
    let stopped = false;
    return {
        stop(): void {
            if (stopped) {
                return;
            }
            stopped = true;
            clearInterval(timer);
            drain();
        },
    };
}
