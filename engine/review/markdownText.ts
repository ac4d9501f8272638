/**
 * Markdown that reads as written: what a program or a pack wrote (names, messages, paths) is escaped or fenced,
 * so it can add no markup, HTML or table cell, and invisible characters are spelt out as every renderer spells
 * them (engine/controlChars), so that the gate's secret scrubbing knows their spellings.
 */
import { escapeControlCharacters as visible } from "../controlChars";

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

/**
 * GitHub refuses a pull-request comment over 65,536 characters; a report or review comment stays under this,
 * dropping the rows that do not fit (and saying how many) rather than failing to post.
 */
export const MARKDOWN_MAX_CHARS = 60_000;

/** The lines that fit in `budget` characters (each counted with its newline), and how many did not. */
export function fitLines(lines: readonly string[], budget: number): { shown: string[]; omitted: number } {
    const shown: string[] = [];
    let used = 0;
    for (const line of lines) {
        if (used + line.length + 1 > budget) {
            break;
        }
        shown.push(line);
        used += line.length + 1;
    }
    return { shown, omitted: lines.length - shown.length };
}

/** The line saying how many `what` were left out and where to read them all; none when nothing was. */
export function omittedNote(omitted: number, what: string, whereAll: string): string[] {
    return omitted > 0 ? ["", `…and ${omitted} more ${what}, not shown here: see ${whereAll}.`] : [];
}

/** The rows that fit in `budget` characters, and a line saying how many did not. */
export function fitRows(rows: readonly string[], budget: number, what: string): string[] {
    const { shown, omitted } = fitLines(rows, budget);
    return [...shown, ...omittedNote(omitted, what, "`--format json`")];
}
