import * as fs from "fs";
import * as path from "path";
import { escapeControlCharactersInJson, escapeControlCharactersInLines } from "./controlChars";
import { GateError, errorMessage } from "./errors";
import { isJson, SecretValues } from "./secrets";

/** An SGR colour sequence, the only escape a report written to a terminal may carry. */
const SGR = new RegExp(`(${String.fromCharCode(27)}\\[[0-9;]*m)`);

/**
 * The one way out of the gate for everything it writes: reports and graphs of every format (stdout or `--out`)
 * and diagnostics on stderr. Whatever renderer produced the text, secrets this run recorded are scrubbed and
 * control characters escaped here, so a format added later cannot leak one or forge a line.
 */
export class GateOutput {
    constructor(
        /** Every secret this run knows; the engine adds to it as the program registers resources. */
        readonly secrets: SecretValues = new SecretValues(),
        private readonly stdout: NodeJS.WritableStream = process.stdout,
        private readonly stderr: NodeJS.WritableStream = process.stderr,
    ) {}

    /** Free text for stderr (a message, a program's console output): scrubbed, control characters escaped. */
    diagnostic(text: string): void {
        this.stderr.write(this.safeText(text));
    }

    /** `text` as the gate may show it: secrets scrubbed, every control character but newline and tab escaped. */
    safeText(text: string): string {
        return escapeControlCharactersInLines(this.secrets.scrubText(text));
    }

    /**
     * Writes a rendered report or graph to `out` (a file) or stdout. `color` keeps the SGR colour sequences a
     * text renderer added for a terminal; every other control character is escaped.
     */
    document(text: string, options: { out?: string; color?: boolean } = {}): void {
        // Parsed once: every JSON format is scrubbed and escaped as JSON, so that it stays JSON.
        const json = isJson(text);
        const scrubbed = this.secrets.scrubDocument(text, json);
        const safe = json
            ? escapeControlCharactersInJson(scrubbed)
            : options.color
              ? scrubbed
                    .split(SGR)
                    .map((part, index) => (index % 2 === 1 ? part : escapeControlCharactersInLines(part)))
                    .join("")
              : escapeControlCharactersInLines(scrubbed);
        if (options.out) {
            fs.writeFileSync(options.out, safe);
        } else {
            this.stdout.write(safe);
        }
    }
}

/**
 * Checks before anything runs that `--out FILE` can be written: not a directory, in an existing directory,
 * writable. A run of minutes must not end in `EISDIR` with its report lost.
 */
export function checkOutFile(file: string): void {
    const fail = (reason: string): never => {
        throw new GateError("arguments", `--out ${file}: ${reason}`);
    };
    const parent = path.dirname(path.resolve(file));
    let existing: fs.Stats | undefined;
    try {
        existing = fs.statSync(file);
    } catch {
        existing = undefined;
    }
    if (existing?.isDirectory()) {
        fail("is a directory; give the path of the report file to write");
    }
    let parentStat: fs.Stats | undefined;
    try {
        parentStat = fs.statSync(parent);
    } catch {
        parentStat = undefined;
    }
    if (!parentStat) {
        fail(`directory ${parent} does not exist`);
    } else if (!parentStat.isDirectory()) {
        fail(`${parent} is not a directory`);
    }
    // Opening is the only faithful test (permission bits say nothing to root, a read-only mount or /sys).
    try {
        const fd = fs.openSync(file, existing ? "r+" : "wx", 0o644);
        fs.closeSync(fd);
        if (!existing) {
            fs.unlinkSync(file);
        }
    } catch (err) {
        fail(`cannot be written (${(err as NodeJS.ErrnoException).code ?? errorMessage(err)})`);
    }
}
