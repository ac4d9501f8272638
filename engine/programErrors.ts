/**
 * A failing program, told in one line that names what failed and where in the user's code: a missing package,
 * a syntax error, a missing config value, a data source that could not be answered, or the program's own error
 * with the line it was thrown from. Never a stack trace, never a path inside this package or `node_modules`
 * when the user's line is known.
 */
import * as path from "path";
import type { SourcePosition } from "./types";
import { nearestUserFrame, parseStack, positionLabel } from "./userFrames";

export interface ProgramFailure {
    readonly message: string;
    /** `file:line:column` of the user's code, relative to the project, when known. */
    readonly location: string | null;
    /** The message already says where (`imported at index.ts:3`): the location is not appended to it. */
    readonly locationInMessage?: boolean;
}

/**
 * An error whose message already names the user's line: the failure is reported as it was raised, even after
 * the SDK prefixed the message with the property it was serializing (it rethrows the same object).
 */
export class LocatedProgramError extends Error {
    readonly sentence: string;

    constructor(
        message: string,
        readonly position: SourcePosition | null,
    ) {
        super(message);
        this.name = "LocatedProgramError";
        this.sentence = message;
    }
}

export interface FailureContext {
    readonly projectDir: string;
    readonly project: string;
    readonly stack: string;
    /** Rewrites placeholder markers into readable text (names and messages may carry them). */
    readonly readable?: (text: string) => string;
    /** Data sources answered with placeholders (`ecs.getImages at index.ts:5`), for a hint on a TypeError. */
    readonly placeholderCalls?: readonly string[];
}

function relative(file: string, projectDir: string): string {
    const rel = path.relative(projectDir, file);
    return rel === "" || path.isAbsolute(rel) ? file : rel;
}

/** The npm package a bare specifier names (`@pulumi/random/x` → `@pulumi/random`), or null for a path. */
function packageOf(specifier: string): string | null {
    if (specifier.startsWith(".") || path.isAbsolute(specifier)) {
        return null;
    }
    const parts = specifier.split("/");
    return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0];
}

function missingModule(
    err: Error & { requireStack?: string[] },
    context: FailureContext,
): ProgramFailure | null {
    const specifier = /^Cannot find module '([^']+)'/.exec(err.message)?.[1];
    if (!specifier) {
        return null;
    }
    const frame = nearestUserFrame(parseStack(err.stack));
    const at = frame ? positionLabel(frame, context.projectDir) : null;
    const importer = err.requireStack?.[0];
    const pkg = packageOf(specifier);
    const install = pkg ? ` — npm install ${pkg}` : "";
    const byPackage =
        importer && frame && importer !== frame.file
            ? `required by ${relative(importer, context.projectDir)}, `
            : "";
    const where = at
        ? ` (${byPackage}imported at ${at})`
        : importer
          ? ` (imported by ${relative(importer, context.projectDir)})`
          : "";
    return {
        message: `Cannot find module '${specifier}'${where}${install}`,
        location: frame ? positionLabel(frame, context.projectDir, true) : null,
        locationInMessage: true,
    };
}

/** ts-node's `TSError`: `index.ts(7,15): error TS1005: ',' expected.` (transpile-only: syntax errors). */
function typeScriptError(
    err: Error & { diagnosticText?: string },
    context: FailureContext,
): ProgramFailure | null {
    if (err.name !== "TSError" || typeof err.diagnosticText !== "string") {
        return null;
    }
    const first = err.diagnosticText.trim().split("\n")[0];
    const match = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(first);
    if (!match) {
        const message = /error (TS\d+): (.*)$/.exec(first);
        return {
            message: message ? `TypeScript cannot compile the program: ${message[2]} (${message[1]})` : first,
            location: null,
        };
    }
    const location = `${relative(path.resolve(context.projectDir, match[1]), context.projectDir)}:${match[2]}:${match[3]}`;
    return {
        message: `syntax error at ${location}: ${match[5]} (${match[4]})`,
        location,
        locationInMessage: true,
    };
}

/** V8's compile error: the stack starts `file:line`, then the source line and a caret under the column. */
function javaScriptSyntaxError(err: Error, context: FailureContext): ProgramFailure | null {
    if (!(err instanceof SyntaxError) && err.name !== "SyntaxError") {
        return null;
    }
    const [head, code, caret] = (err.stack ?? "").split("\n");
    const where = /^((?:\/|[A-Za-z]:\\).*):(\d+)$/.exec(head ?? "");
    if (!where) {
        return null;
    }
    const column =
        caret !== undefined && code !== undefined && caret.includes("^") ? caret.indexOf("^") + 1 : 1;
    const location = `${relative(where[1], context.projectDir)}:${where[2]}:${column}`;
    return { message: `syntax error at ${location}: ${err.message}`, location, locationInMessage: true };
}

/** The SDK's `ConfigMissingError`, told the offline way: `--config` or the stack file, not `pulumi config set`. */
function missingConfig(err: Error & { key?: string }, context: FailureContext): ProgramFailure | null {
    const key = /^Missing required configuration variable '([^']+)'/.exec(err.message)?.[1] ?? null;
    if (!key) {
        return null;
    }
    const frame = nearestUserFrame(parseStack(err.stack));
    const bare = key.startsWith(`${context.project}:`) ? key.slice(context.project.length + 1) : key;
    const at = frame ? ` (read at ${positionLabel(frame, context.projectDir)})` : "";
    return {
        message:
            `missing required configuration value '${key}'${at}: give it with --config ${bare}=VALUE ` +
            `or in Pulumi.${context.stack}.yaml`,
        location: frame ? positionLabel(frame, context.projectDir, true) : null,
        locationInMessage: true,
    };
}

/**
 * What failed and where: the classified failures above, else the program's own message and the nearest frame of
 * the user's code it was thrown from.
 */
export function describeProgramError(err: unknown, context: FailureContext): ProgramFailure {
    const readable = context.readable ?? ((text: string) => text);
    if (!(err instanceof Error)) {
        return { message: `The program threw a non-Error value: ${readable(String(err))}`, location: null };
    }
    if (err instanceof LocatedProgramError) {
        return {
            message: readable(err.sentence),
            location: err.position ? positionLabel(err.position, context.projectDir, true) : null,
            locationInMessage: true,
        };
    }
    const classified =
        missingModule(err, context) ??
        typeScriptError(err, context) ??
        javaScriptSyntaxError(err, context) ??
        missingConfig(err, context);
    if (classified) {
        return { ...classified, message: readable(classified.message) };
    }
    const frame = nearestUserFrame(parseStack(err.stack));
    const location = frame ? positionLabel(frame, context.projectDir, true) : null;
    const calls = context.placeholderCalls ?? [];
    if (calls.length > 0 && (err instanceof TypeError || err instanceof RangeError)) {
        return {
            message:
                `${readable(err.message)}${location ? ` (at ${location})` : ""}; the program read data sources ` +
                `answered offline with placeholders (${calls.join(", ")}): if it depends on their values, pin ` +
                `real answers with --invokes FILE`,
            location,
            locationInMessage: true,
        };
    }
    return { message: readable(err.message), location };
}
