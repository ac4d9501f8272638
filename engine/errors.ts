import type { SourcePosition } from "./types";

/**
 * What can make the gate fail before it can judge the stack: the program, the pack, the config, the
 * arguments, or (`input`) a stack export or account read that `audit` cannot read. The CLI prints `message`
 * alone and exits 2, so the message must name what and where; `source`, when known, is the user's file and
 * line it concerns, where a SARIF or JSON error report points.
 */
export class GateError extends Error {
    constructor(
        public readonly kind: "program" | "pack" | "config" | "arguments" | "project" | "input",
        message: string,
        public readonly source?: SourcePosition,
    ) {
        super(message);
        this.name = "GateError";
    }
}

export function errorMessage(err: unknown): string {
    return err instanceof Error ? err.message : String(err);
}
