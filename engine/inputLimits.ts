import * as fs from "fs";
import { GateError } from "./errors";

/**
 * Limits on what the gate reads from the user, so that a runaway input gets one clear line instead of an
 * exhausted heap or a stack overflow (and orphaned children). Real files are far below them: a policy config
 * or a stack config is a few kilobytes and a few levels deep.
 */
const MAX_INPUT_FILE_BYTES = 1024 * 1024;
export const MAX_NESTING_DEPTH = 64;

/**
 * Linux refuses to start a process whose single environment string exceeds 32 pages (`MAX_ARG_STRLEN`,
 * 131,072 bytes with its name and terminator). Stack config reaches the program as `PULUMI_CONFIG`, as the
 * language host passes it, so a larger config could not start the program under the CLI either.
 */
export const MAX_ENVIRONMENT_STRING_BYTES = 131_072;

function megabytes(bytes: number): string {
    return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** Reads a user's file, refusing one larger than {@link MAX_INPUT_FILE_BYTES} before reading it. */
export function readBoundedFile(file: string, label: string, kind: GateError["kind"]): string {
    let size: number;
    try {
        size = fs.statSync(file).size;
    } catch (err) {
        throw new GateError(kind, `${label}: cannot read ${file} (${(err as NodeJS.ErrnoException).code})`);
    }
    if (size > MAX_INPUT_FILE_BYTES) {
        throw new GateError(
            kind,
            `${label}: ${file} is ${megabytes(size)}; the gate reads at most ${megabytes(MAX_INPUT_FILE_BYTES)} ` +
                "(a config file is a few kilobytes)",
        );
    }
    return fs.readFileSync(file, "utf8");
}

/** The path of the first value nested deeper than {@link MAX_NESTING_DEPTH}, found without recursion. */
function tooDeep(value: unknown): string | undefined {
    const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: "", depth: 0 }];
    while (stack.length > 0) {
        const item = stack.pop() as { value: unknown; path: string; depth: number };
        if (typeof item.value !== "object" || item.value === null) {
            continue;
        }
        if (item.depth >= MAX_NESTING_DEPTH) {
            return item.path || "(top level)";
        }
        for (const [key, inner] of Object.entries(item.value)) {
            const step = Array.isArray(item.value) ? `[${key}]` : item.path ? `.${key}` : key;
            stack.push({ value: inner, path: `${item.path}${step}`, depth: item.depth + 1 });
        }
    }
    return undefined;
}

/**
 * Parses `text` with `parse`, refusing a document nested deeper than {@link MAX_NESTING_DEPTH} levels (every
 * consumer after the parser, from JSON schema validation to protobuf encoding, recurses).
 */
export function parseBounded(
    text: string,
    parse: (text: string) => unknown,
    label: string,
    kind: GateError["kind"],
): unknown {
    let parsed: unknown;
    try {
        parsed = parse(text);
    } catch (err) {
        if (err instanceof RangeError) {
            throw new GateError(
                kind,
                `${label}: nested too deeply to read (at most ${MAX_NESTING_DEPTH} levels)`,
            );
        }
        throw err;
    }
    const where = tooDeep(parsed);
    if (where !== undefined) {
        throw new GateError(
            kind,
            `${label}: nested deeper than ${MAX_NESTING_DEPTH} levels at ${where.length > 200 ? `${where.slice(0, 197)}...` : where}`,
        );
    }
    return parsed;
}
