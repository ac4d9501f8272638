/**
 * Names, messages and labels come from programs and packs the gate does not trust to be well-behaved: an ANSI
 * escape or a newline in a resource name would otherwise forge lines of a report on a terminal or in a CI log,
 * and an XML-illegal character would make an SVG ill-formed. Every renderer passes such text through here.
 */

/**
 * C0 and C1 controls and DEL, the Unicode line and paragraph separators, and the bidirectional overrides and
 * isolates that reorder what a terminal or a browser shows ("Trojan Source").
 */
// eslint-disable-next-line no-control-regex -- finding control characters is what this module is for
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
const CONTROL_EXCEPT_LINE_BREAKS =
    // eslint-disable-next-line no-control-regex -- finding control characters is what this module is for
    /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

const NAMED: Record<string, string> = { "\n": "\\n", "\r": "\\r", "\t": "\\t" };

function visible(char: string): string {
    const named = NAMED[char];
    if (named) {
        return named;
    }
    const code = char.charCodeAt(0);
    return code < 0x100
        ? `\\x${code.toString(16).padStart(2, "0")}`
        : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** `text` on one line with every control character written as a visible escape (`\x1b`, `\n`, `\u202e`). */
export function escapeControlCharacters(text: string): string {
    return text.replace(CONTROL, visible);
}

/** Multi-line text (a message, console output): newlines and tabs kept, every other control character escaped. */
export function escapeControlCharactersInLines(text: string): string {
    return text.replace(CONTROL_EXCEPT_LINE_BREAKS, visible);
}

/**
 * A JSON document with the characters `JSON.stringify` leaves raw (DEL, C1 controls, line separators, bidi
 * controls) written as `\uXXXX`: the same string to a parser, inert on a terminal.
 */
export function escapeControlCharactersInJson(json: string): string {
    return json.replace(CONTROL_EXCEPT_LINE_BREAKS, (char) =>
        char === "\r" ? char : `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
    );
}
