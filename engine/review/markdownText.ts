/**
 * Markdown that reads as written: what a program or a pack wrote (names, messages, paths) is escaped or fenced,
 * so it can add no markup, HTML or table cell, and invisible characters are spelt out.
 */

/**
 * Characters that must not reach a reader raw: C0 and C1 controls (newlines included: a cell is one line),
 * bidirectional overrides and isolates (which can make a name read as another), line and paragraph separators.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const INVISIBLE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `text` with every invisible character spelt out (`\u001b`). */
function visible(text: string): string {
    return text.replace(INVISIBLE, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Plain Markdown text: each character that could start markup is backslash-escaped. */
export function markdownText(text: string): string {
    return visible(text).replace(/[\\`*_[\]<>|~&$!#]/g, (char) => `\\${char}`);
}

/** A code span holding `text` literally, fenced by more backticks than it contains; in a table cell by default. */
export function codeSpan(text: string, inTable = true): string {
    const content = inTable ? visible(text).replace(/\|/g, "\\|") : visible(text);
    const longestRun = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
    const fence = "`".repeat(longestRun + 1);
    const padded = /^[ `]|[ `]$/.test(content) || content === "" ? ` ${content} ` : content;
    return `${fence}${padded}${fence}`;
}

/** GitHub refuses a comment over 65,536 characters; a review comment stays under this. */
export const MARKDOWN_MAX_CHARS = 60_000;

/** The rows that fit in `budget` characters, and a line saying how many did not. */
export function fitRows(rows: readonly string[], budget: number, what: string): string[] {
    const shown: string[] = [];
    let used = 0;
    for (const row of rows) {
        if (used + row.length + 1 > budget) {
            break;
        }
        shown.push(row);
        used += row.length + 1;
    }
    const omitted = rows.length - shown.length;
    return omitted > 0
        ? [...shown, "", `…and ${omitted} more ${what}, not shown here: see \`--format json\`.`]
        : shown;
}
