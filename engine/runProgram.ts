import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { GateError } from "./errors";
import { HOST_SPEC_ENV, type HostResult, type HostSpec } from "./programHost";
import type { ProjectSettings } from "./project";
import type { ProgramRun, RecordedResource, SourcePosition } from "./types";
import { childMarker, privateTempDir, trackChild } from "./children";
import { childEntry } from "./childEntry";
import { childHeapArgs, HEAP_SHARE, outOfHeapMessage, ranOutOfHeap } from "./childHeap";
import type { RegisteredResources } from "./registeredResources";
import type { GateOutput } from "./output";

export interface RunProgramOptions {
    /** Extra arguments for the child `node`, e.g. `--max-old-space-size`. */
    readonly nodeArgs?: readonly string[];
    /**
     * Receives each resource as the program registers it (reads of existing resources excepted) and is ended
     * when the program has finished or failed; the returned run remains the complete record.
     */
    readonly registered?: RegisteredResources;
    /**
     * Where the program's console output goes (scrubbed of the run's secrets, which this run adds to); stderr
     * without scrubbing when absent.
     */
    readonly output?: GateOutput;
    /** An `--invokes` file pinning data source answers (already checked with `readPinnedInvokes`). */
    readonly invokesFile?: string;
}

/**
 * How much of the program's console output is kept. It is held until the program has finished, so that every
 * secret the program registered is known before any of it is shown.
 */
const CONSOLE_LIMIT = 1 << 20;

/** After the program has exited and its process group is killed, how long its pipes may take to drain. */
const PIPE_DRAIN_MS = 2_000;

/**
 * Runs the project's program in a child process under the SDK's mock runtime and returns every resource it
 * registered. A program that throws or rejects becomes a {@link GateError} carrying its own message and the
 * location it was thrown from.
 */
export async function runProgram(
    project: ProjectSettings,
    options: RunProgramOptions = {},
): Promise<ProgramRun> {
    const temp = privateTempDir("alicloud-sg-");
    const resultFile = path.join(temp.dir, "resources.json");
    const streamFile = path.join(temp.dir, "registered.jsonl");
    const spec: HostSpec = {
        projectDir: project.dir,
        program: project.program,
        project: project.name,
        stack: project.stack,
        organization: project.organization,
        resultFile,
        ...(options.registered ? { streamFile } : {}),
        ...(options.invokesFile ? { invokesFile: path.resolve(options.invokesFile) } : {}),
    };
    const follow = options.registered
        ? followStream(streamFile, options.registered, options.output)
        : undefined;
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
    const forward = (text: string): void => {
        if (options.output) {
            options.output.diagnostic(text);
        } else {
            process.stderr.write(text);
        }
    };
    // Given arguments come last, so that a `--max-old-space-size` among them wins over the gate's own sizing.
    const nodeArgs = [...childHeapArgs(HEAP_SHARE.programHost), ...(options.nodeArgs ?? [])];
    try {
        const { code, signal, stdout, stderr } = await runHost(
            [...nodeArgs, ...childEntry("programHost")],
            project.dir,
            env,
        );
        follow?.stop();
        const durationMs = Date.now() - started;
        const finished = fs.existsSync(resultFile);
        let result: HostResult | undefined;
        if (finished) {
            result = JSON.parse(fs.readFileSync(resultFile, "utf8")) as HostResult;
            for (const resource of result.resources ?? []) {
                options.output?.secrets.addResource(resource);
            }
            // A data source may be called with a secret argument: its report shows "[secret]", and the value
            // is scrubbed wherever else it appears.
            for (const call of result.invokes ?? []) {
                options.output?.secrets.addWireSecrets(call.args);
            }
        }
        // The program's own console output, once every secret it registered is known.
        if (stdout) {
            forward(stdout);
        }
        if (!result && ranOutOfHeap(stderr)) {
            // One line, not V8's dump: what ran out, and how to give it more.
            throw new GateError(
                "program",
                outOfHeapMessage(`program ${path.relative(process.cwd(), project.program) || "."}`, nodeArgs),
            );
        }
        if (!result) {
            const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
            throw new GateError(
                "program",
                `program ${path.relative(process.cwd(), project.program) || "."} ${how} before it finished` +
                    (stderr.trim() ? `:\n${stderr.trim()}` : ""),
            );
        }
        if (result.error) {
            // One line for a failed program: what the SDK or Node printed on its stderr on the way (stack
            // traces) is not it.
            const where =
                result.error.location && !result.error.locationInMessage
                    ? ` (at ${result.error.location})`
                    : "";
            throw new GateError(
                "program",
                `program failed: ${result.error.message}${where}`,
                sourceOfLocation(result.error.location, project.dir),
            );
        }
        if (stderr.trim()) {
            forward(stderr);
        }
        const resources = result.resources ?? [];
        // The record is the complete list: whatever the stream did not pass on follows, in registration order.
        for (const resource of resources) {
            if (!resource.external) {
                options.registered?.push(resource);
            }
        }
        return {
            project: project.name,
            stack: project.stack,
            resources,
            invokes: result.invokes ?? [],
            durationMs,
        };
    } finally {
        follow?.stop();
        options.registered?.end();
        temp.remove();
    }
}

/** `file:line:column` as the program host reports a failure's location (relative to the project) → a position. */
function sourceOfLocation(location: string | null, projectDir: string): SourcePosition | undefined {
    const match = location ? /^(.*):(\d+):(\d+)$/.exec(location) : null;
    return match
        ? { file: path.resolve(projectDir, match[1]), line: Number(match[2]), column: Number(match[3]) }
        : undefined;
}

/** Console output, kept up to {@link CONSOLE_LIMIT} characters. */
class ConsoleCapture {
    private text = "";
    private dropped = 0;

    add(chunk: Buffer): void {
        const room = CONSOLE_LIMIT - this.text.length;
        const piece = chunk.toString();
        if (piece.length <= room) {
            this.text += piece;
        } else {
            this.text += piece.slice(0, Math.max(0, room));
            this.dropped += piece.length - Math.max(0, room);
        }
    }

    toString(): string {
        return this.dropped > 0 ? `${this.text}\n[${this.dropped} more characters not shown]\n` : this.text;
    }
}

/**
 * Runs the program host in its own process group and resolves when it has exited. The gate waits for the
 * program, not for its pipes: a process the program started may have inherited them and would hold them open
 * for as long as it lives, so once the host has exited its whole group is killed and the pipes drain.
 */
function runHost(
    args: readonly string[],
    cwd: string,
    env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
    return new Promise((resolve, reject) => {
        const marker = childMarker();
        const child = spawn(process.execPath, args, {
            cwd,
            env: { ...env, ...marker.env },
            stdio: ["ignore", "pipe", "pipe"],
            detached: true,
        });
        const endGroup = trackChild(child, marker);
        const stdout = new ConsoleCapture();
        const stderr = new ConsoleCapture();
        // The program's own console output must not reach our stdout: JSON output owns it.
        child.stdout.on("data", (chunk: Buffer) => stdout.add(chunk));
        child.stderr.on("data", (chunk: Buffer) => stderr.add(chunk));
        child.on("error", (err) => {
            endGroup();
            reject(err);
        });
        child.on("exit", (code, signal) => {
            endGroup();
            const done = (): void => {
                clearTimeout(timer);
                child.stdout.destroy();
                child.stderr.destroy();
                resolve({ code, signal, stdout: stdout.toString(), stderr: stderr.toString() });
            };
            // A process that left the group (setsid) may still hold a pipe: stop waiting for it.
            const timer = setTimeout(done, PIPE_DRAIN_MS);
            let open = 2;
            const closed = (): void => {
                if (--open === 0) {
                    done();
                }
            };
            for (const stream of [child.stdout, child.stderr]) {
                if (stream.readableEnded || stream.destroyed) {
                    closed();
                } else {
                    stream.once("close", closed);
                }
            }
        });
    });
}

/** How often the stream file is read for new registrations while the program runs. */
const STREAM_POLL_MS = 20;

/**
 * Reads the host's stream file (one JSON resource a line, appended as registered) while the program runs and
 * passes each complete line on; `stop` reads what is left.
 */
function followStream(
    file: string,
    registered: RegisteredResources,
    output: GateOutput | undefined,
): { stop(): void } {
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
                    const resource = JSON.parse(line) as RecordedResource;
                    output?.secrets.addResource(resource);
                    registered.push(resource);
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
