/**
 * Stack frames, and which of them are the user's code. A finding, a data source call or a failure is located at
 * the nearest frame of the program the user wrote: never in `node_modules` (the SDK, providers, libraries such as
 * ours once installed), in Node's internals, or in this package's own code (its components run from `dist/` even
 * inside this repository, and the engine from `engine/` when it runs from sources).
 */
import * as path from "path";
import { fileURLToPath } from "url";
import type { SourcePosition } from "./types";

export interface Frame extends SourcePosition {
    /** The function as V8 names it (`Object.getZones`, `new WebTierGroup`), or null for top-level code. */
    readonly fn: string | null;
}

/** `at fn (file:line:column)` or `at file:line:column`; the file starts after "at " or "(", so a node internal
 * (`node:internal/modules/cjs/loader:1521:14`) is never read as the file "/modules/cjs/loader". */
const FRAME = /^\s*at (?:(.*?) \()?((?:file:\/\/)?(?:\/|[A-Za-z]:\\)[^()]*?):(\d+):(\d+)\)?\s*$/;

export function parseFrame(line: string): Frame | undefined {
    const match = FRAME.exec(line);
    if (!match) {
        return undefined;
    }
    let file = match[2];
    if (file.startsWith("file://")) {
        try {
            file = fileURLToPath(file);
        } catch {
            return undefined;
        }
    }
    const fn = match[1] ? match[1].replace(/^async /, "") : null;
    return { fn, file, line: Number(match[3]), column: Number(match[4]) };
}

/** The frames of an `Error.stack`, skipping its message lines. */
export function parseStack(stack: string | undefined): Frame[] {
    return (stack ?? "")
        .split("\n")
        .map(parseFrame)
        .filter((frame): frame is Frame => frame !== undefined);
}

/** The frames of the current stack, at most `limit` deep, the caller of this function first. */
export function captureFrames(limit: number): Frame[] {
    const previous = Error.stackTraceLimit;
    Error.stackTraceLimit = limit + 1;
    try {
        return parseStack(new Error().stack).slice(1);
    } finally {
        Error.stackTraceLimit = previous;
    }
}

/**
 * The frame `depth` below the caller of this function (0: the caller itself), source-mapped, or undefined when it
 * has no file position (a native or Node-internal frame). One line of a stack trace per call site, so depths
 * agree with {@link nearestUserFrameDepth}'s.
 */
export function captureFrameAt(depth: number): Frame | undefined {
    const previous = Error.stackTraceLimit;
    Error.stackTraceLimit = depth + 2;
    try {
        // Line 0 is the message, line 1 this function.
        return parseFrame((new Error().stack ?? "").split("\n")[depth + 2] ?? "");
    } finally {
        Error.stackTraceLimit = previous;
    }
}

/**
 * How deep below its caller the nearest frame of the user's code is, at most `limit` deep, read from V8's call
 * sites before any source map is applied: a stack trace string source-maps every frame it prints (ts-node, and
 * compiled code with maps), which is most of its cost, so a caller can then ask for just that many frames.
 */
export function nearestUserFrameDepth(limit: number): number | undefined {
    const previousPrepare = Error.prepareStackTrace;
    const previousLimit = Error.stackTraceLimit;
    Error.prepareStackTrace = (_error, callsites) => callsites;
    Error.stackTraceLimit = limit + 1;
    try {
        const callsites = (new Error().stack as unknown as NodeJS.CallSite[]).slice(1);
        const depth = callsites.findIndex((site) => {
            const file = site.getFileName();
            return (
                typeof file === "string" &&
                isUserFile(file.startsWith("file://") ? fileURLToPath(file) : file)
            );
        });
        return depth < 0 ? undefined : depth;
    } finally {
        Error.prepareStackTrace = previousPrepare;
        Error.stackTraceLimit = previousLimit;
    }
}

/** This package's root: the engine runs compiled from `<root>/dist/engine`, or from sources in `<root>/engine`. */
const PACKAGE_ROOT =
    path.basename(path.dirname(__dirname)) === "dist"
        ? path.resolve(__dirname, "..", "..")
        : path.resolve(__dirname, "..");

/** Where this package's own code lives; its examples, tests and templates are programs like any user's. */
const OWN_CODE = ["dist", "engine", "components", "core", "policies", "cli", "index.ts"].map((entry) =>
    path.join(PACKAGE_ROOT, entry),
);

const NODE_MODULES = `${path.sep}node_modules${path.sep}`;

/** Whether `file` is this package's own code, wherever it is installed. */
export function isOwnCode(file: string): boolean {
    return OWN_CODE.some((own) => file === own || file.startsWith(own + path.sep));
}

/** Whether `file` is code the user wrote: not a package, not Node's, not ours. */
export function isUserFile(file: string): boolean {
    return path.isAbsolute(file) && !file.includes(NODE_MODULES) && !isOwnCode(file);
}

/** The nearest frame of the user's code. */
export function nearestUserFrame(frames: readonly Frame[]): Frame | undefined {
    return frames.find((frame) => isUserFile(frame.file));
}

/** `file:line` relative to the project, as reports and messages print a position. */
export function positionLabel(position: SourcePosition, projectDir: string, withColumn = false): string {
    const relative = path.relative(projectDir, position.file);
    const file =
        relative === "" || relative.startsWith("..") || path.isAbsolute(relative) ? position.file : relative;
    return `${file}:${position.line}${withColumn ? `:${position.column}` : ""}`;
}
