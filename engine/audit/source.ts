import * as fs from "fs";
import { parse, ParseErrorCode, type ParseError } from "jsonc-parser";
import { GateError, errorMessage } from "../errors";
import { MAX_NESTING_DEPTH } from "../inputLimits";
import type { RecordedOptions, RecordedResource } from "../types";

/**
 * What `audit`, `graph`, and later `diff` and `explain`, read when there is no program to run: the resources of
 * a stack export or of an account's API responses, recorded as the gate records a program's.
 */
export interface LoadedStack {
    /** What the report names as project and stack. */
    readonly project: string;
    readonly stack: string;
    /**
     * Every resource in order: `inputs` are what `Analyze` sees, `outputs` what `AnalyzeStack` sees (deployed
     * state), both in the engine's wire form with every secret as `"[secret]"`.
     */
    readonly resources: RecordedResource[];
    /** The URN a stack-level violation without a resource of its own is attributed to; null when none. */
    readonly rootStackUrn: string | null;
    /** What the report says it could not know. */
    readonly limitations: string;
    /** How the report's first line names what was read (`stack export stack.json`). */
    readonly description: string;
    /** The size of what was read, in bytes. */
    readonly bytes: number;
}

/** What an audited resource has in place of a program's resource options: none of them apply. */
export const NO_OPTIONS: RecordedOptions = Object.freeze({
    protect: false,
    ignoreChanges: [],
    aliases: [],
    additionalSecretOutputs: [],
    customTimeouts: { create: "", update: "", delete: "" },
});

/**
 * Parses a JSON file; `label` names it as the user gave it (`--stack-export stack.json`). A bad file fails with
 * one line naming it and where the JSON ends or breaks; never with the parser's own message, which quotes the
 * text around the error (and with it, maybe, a plaintext secret).
 */
export function readJsonFile(file: string, label: string): unknown {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (err) {
        throw new GateError("input", `${label}: cannot read it: ${errorMessage(err)}`);
    }
    try {
        return JSON.parse(text);
    } catch (err) {
        if (err instanceof RangeError) {
            throw new GateError(
                "input",
                `${label}: nested too deeply to read (at most ${MAX_NESTING_DEPTH} levels)`,
            );
        }
        throw new GateError("input", `${label}: not valid JSON: ${syntaxErrorAt(text)}`);
    }
}

/**
 * Where a text that is not JSON goes wrong, as `line L, column C`, found by jsonc-parser in strict mode (no
 * comments, no trailing commas), which reports offsets but no text.
 */
function syntaxErrorAt(text: string): string {
    const errors: ParseError[] = [];
    parse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
    const first = errors[0];
    const truncated =
        !first ||
        first.offset + first.length >= text.trimEnd().length ||
        first.error === ParseErrorCode.UnexpectedEndOfString ||
        first.error === ParseErrorCode.UnexpectedEndOfNumber;
    if (truncated) {
        return "it ends before the document does (is the file truncated?)";
    }
    const before = text.slice(0, first.offset);
    const line = before.split("\n").length;
    const column = first.offset - before.lastIndexOf("\n");
    return `unexpected text at line ${line}, column ${column}`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
