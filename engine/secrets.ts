/**
 * What the gate knows is secret in one run, and how it keeps those values out of everything it writes.
 *
 * Reports render a secret input as `"[secret]"` by construction (`toDisplayValue`); this module is the last line
 * of defence for everything else: a pack's violation message that quotes a secret CIDR, a graph label drawn from
 * one, a program's console output, an error message. It scrubs by value, because the gate knows every value it
 * recorded as secret: the config keys given as secrets, and every secret in a registered resource's inputs and
 * outputs (or named by its `additionalSecretOutputs`).
 */
import { parseCidr } from "../core/cidr";
import { OUTPUT_VALUE_SIG, SECRET_LABEL, SECRET_SIG, SIG_KEY } from "../core/wire";
import { escapeControlCharacters } from "./controlChars";
import { markdownText } from "./review/markdownText";
import type { RecordedResource } from "./types";
import { loadProject, type ProjectOptions, type ProjectSettings } from "./project";

/**
 * Values shorter than this are scrubbed from free text (messages, console output) only as whole words, and are
 * not scrubbed from rendered documents at all: a secret `22` or `1` would otherwise turn every line number,
 * count, coordinate and port of a report into `[secret]` (and a DOT `fontsize=11` or SVG coordinate into
 * syntax errors). Where the gate renders such a value itself it knows it is secret and prints `[secret]`.
 */
const MIN_DOCUMENT_SECRET_LENGTH = 4;

function isRecord(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

function escapeRegExp(text: string): string {
    return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** A word character for whole-word matching of short values: letters, digits, `_` (any script). */
const WORD = "[\\p{L}\\p{N}_]";

/** Builds one pattern matching every value, longest first, so a secret inside a longer one is not left over. */
function patternOf(values: Iterable<string>, wholeWordBelow: number): RegExp | undefined {
    const sorted = [...new Set(values)].filter((v) => v.length > 0).sort((a, b) => b.length - a.length);
    if (sorted.length === 0) {
        return undefined;
    }
    const alternatives = sorted.map((value) =>
        value.length < wholeWordBelow ? `(?<!${WORD})${escapeRegExp(value)}(?!${WORD})` : escapeRegExp(value),
    );
    return new RegExp(alternatives.join("|"), "giu");
}

/**
 * The spellings a value takes in the formats the gate writes (JSON, XML/SVG, Mermaid, DOT, Markdown, escaped
 * text).
 */
function renderedSpellings(value: string): string[] {
    const xml = value
        .replace(/&/g, "&amp;")
        .replace(/</g, "&lt;")
        .replace(/>/g, "&gt;")
        .replace(/"/g, "&quot;")
        .replace(/'/g, "&#39;");
    return [
        value,
        JSON.stringify(value).slice(1, -1),
        xml,
        // Graphviz writes `-` and every non-ASCII character as numeric character references.
        xml.replace(/-/g, "&#45;").replace(/[^\x20-\x7e]/gu, (c) => `&#${c.codePointAt(0)};`),
        value.replace(/&/g, "#amp;").replace(/"/g, "#quot;").replace(/</g, "#lt;").replace(/>/g, "#gt;"),
        value.replace(/\\/g, "\\\\").replace(/"/g, '\\"'),
        escapeControlCharacters(value),
        // Markdown: backslash-escaped as text, pipes escaped in a table's code spans.
        markdownText(value),
        escapeControlCharacters(value).replace(/\|/g, "\\|"),
    ];
}

export class SecretValues {
    private readonly values = new Set<string>();
    // Built on first use after a change: a run adds secrets while the program registers resources.
    private textPattern: RegExp | undefined | null = null;
    private documentPattern: RegExp | undefined | null = null;

    /** Number of distinct secret values known. */
    get size(): number {
        return this.values.size;
    }

    /** Records `value`, known to be secret as a whole: each string or number in it, and structured ones as JSON. */
    addValue(value: unknown): void {
        if (typeof value === "string") {
            this.addText(value);
        } else if (typeof value === "number" && Number.isFinite(value)) {
            this.addText(String(value));
        } else if (Array.isArray(value)) {
            value.forEach((item) => this.addValue(item));
        } else if (isRecord(value)) {
            if (value[SIG_KEY] === SECRET_SIG || value[SIG_KEY] === OUTPUT_VALUE_SIG) {
                this.addValue(value.value);
                return;
            }
            Object.values(value).forEach((item) => this.addValue(item));
        }
        // Booleans and null carry no text of their own to find: the gate renders them as [secret] where it knows.
    }

    /** Records every secret inside a value in the engine's wire form (secret signature objects, output values). */
    addWireSecrets(value: unknown): void {
        if (Array.isArray(value)) {
            value.forEach((item) => this.addWireSecrets(item));
            return;
        }
        if (!isRecord(value)) {
            return;
        }
        const sig = value[SIG_KEY];
        if (sig === SECRET_SIG || (sig === OUTPUT_VALUE_SIG && value.secret === true)) {
            this.addValue(value.value);
            return;
        }
        Object.values(value).forEach((item) => this.addWireSecrets(item));
    }

    /** Records the secrets of a registered resource: its inputs, outputs and the outputs it declares secret. */
    addResource(resource: RecordedResource): void {
        this.addWireSecrets(resource.inputs);
        this.addWireSecrets(resource.outputs);
        for (const key of resource.options.additionalSecretOutputs) {
            // A preview's planned outputs are the inputs: what the program declared secret there is secret.
            this.addValue(resource.inputs[key]);
            this.addValue(resource.outputs[key]);
        }
    }

    /**
     * Free text (a message, console output): every secret, short ones as whole words only, long ones also in
     * the spellings a message quotes them in (a policy that reports `JSON.stringify(props.userData)`).
     */
    scrubText(text: string): string {
        if (this.textPattern === null) {
            const short = [...this.values].filter((v) => v.length < MIN_DOCUMENT_SECRET_LENGTH);
            this.textPattern = patternOf([...short, ...this.longSpellings()], MIN_DOCUMENT_SECRET_LENGTH);
        }
        return this.textPattern ? text.replace(this.textPattern, SECRET_LABEL) : text;
    }

    /**
     * A rendered document of any format: JSON is scrubbed string by string (so the document stays JSON), XML (SVG)
     * text by text after decoding character references, anything else as text in every spelling the gate's
     * renderers give a value. Only values of at least {@link MIN_DOCUMENT_SECRET_LENGTH} characters are scrubbed.
     */
    scrubDocument(document: string, json: boolean = isJson(document)): string {
        if (this.documentPattern === null) {
            this.documentPattern = patternOf(this.longSpellings(), 0);
        }
        const pattern = this.documentPattern;
        if (!pattern) {
            return document;
        }
        if (json) {
            return document.replace(/"(?:[^"\\]|\\.)*"/gu, (token) => {
                const decoded = JSON.parse(token) as string;
                const scrubbed = decoded.replace(pattern, SECRET_LABEL);
                return scrubbed === decoded ? token : JSON.stringify(scrubbed);
            });
        }
        let scrubbed = document;
        if (document.trimStart().startsWith("<")) {
            scrubbed = scrubbed.replace(/>([^<]+)</gu, (whole, text: string) => {
                const decoded = decodeXmlText(text);
                const clean = decoded.replace(pattern, SECRET_LABEL);
                return clean === decoded ? whole : `>${encodeXmlText(clean)}<`;
            });
        }
        return scrubbed.replace(pattern, SECRET_LABEL);
    }

    /** Every spelling of every secret long enough to scrub from documents. */
    private longSpellings(): string[] {
        return [...this.values]
            .filter((v) => v.length >= MIN_DOCUMENT_SECRET_LENGTH)
            .flatMap(renderedSpellings);
    }

    private addText(text: string): void {
        const forms = [text, text.trim()];
        // A block is also drawn and quoted by its network address ("10.99.0.0/8" is the block 10.0.0.0/8).
        const cidr = parseCidr(text);
        if (cidr) {
            forms.push(`${cidr.network}/${cidr.prefix}`, cidr.text.split("/")[0]);
        }
        for (const form of forms) {
            if (form.length > 0 && !this.values.has(form)) {
                this.values.add(form);
                this.textPattern = null;
                this.documentPattern = null;
            }
        }
    }
}

/**
 * Loads the project as {@link loadProject} does, and records the values of its secret config keys (structured
 * ones as JSON and by their leaves) as secrets of the run.
 */
export function loadProjectRecordingSecrets(
    projectDir: string,
    options: ProjectOptions,
    secrets: SecretValues | undefined,
): ProjectSettings {
    const project = loadProject(projectDir, options);
    for (const key of project.secretKeys) {
        const value = project.config[key];
        if (value === undefined || !secrets) {
            continue;
        }
        secrets.addValue(value);
        try {
            secrets.addValue(JSON.parse(value));
        } catch {
            // A plain string.
        }
    }
    return project;
}

/** Whether `text` is a JSON document (an object or an array), as every JSON format the gate writes is. */
export function isJson(text: string): boolean {
    const start = text.trimStart()[0];
    if (start !== "{" && start !== "[") {
        return false;
    }
    try {
        JSON.parse(text);
        return true;
    } catch {
        return false;
    }
}

const XML_ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function decodeXmlText(text: string): string {
    return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/giu, (whole, name: string) => {
        const code = /^#x/i.test(name)
            ? parseInt(name.slice(2), 16)
            : name.startsWith("#")
              ? Number(name.slice(1))
              : undefined;
        if (code === undefined) {
            return XML_ENTITIES[name] ?? whole;
        }
        return code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    });
}

function encodeXmlText(text: string): string {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
