import { escapeControlCharacters as visible } from "../controlChars";
import type { GateError } from "../errors";
import { invokeNote, sourceLabel, type Report, type ReportViolation } from "../report";
import type { PolicyDescription } from "../types";
import { codeSpan, fitLines, markdownText, MARKDOWN_MAX_CHARS, omittedNote } from "../review/markdownText";
import { reportExposureLines } from "./text";

/** A link to `url` with `label` (already Markdown) when it is an http(s) URL, else the label alone. */
function link(label: string, url: string | undefined): string {
    if (!url || !/^https?:\/\/[^\s<>()]+$/.test(url)) {
        return label;
    }
    return `[${label}](${url})`;
}

/** A fenced code block whose fence is longer than any backtick run of the content. */
function codeBlock(lines: readonly string[], info: string): string[] {
    const content = lines.map(visible);
    const longestRun = Math.max(
        0,
        ...content.flatMap((line) => line.match(/`+/g) ?? []).map((run) => run.length),
    );
    const fence = "`".repeat(Math.max(3, longestRun + 1));
    return [`${fence}${info}`, ...content, fence];
}

const HEADER = ["| policy | resource | source | what to change |", "| --- | --- | --- | --- |"];

/**
 * What the violation asks to change: `@pulumi/policy` prefixes the policy's description to every message, which
 * the table already names through the policy.
 */
function whatToChange(v: ReportViolation, policy: PolicyDescription | undefined): string {
    const prefix = policy?.description ? `${policy.description}\n` : undefined;
    const message = prefix && v.message.startsWith(prefix) ? v.message.slice(prefix.length) : v.message;
    return message
        .split("\n")
        .filter((line) => line.trim() !== "")
        .map(markdownText)
        .join("<br>");
}

function row(v: ReportViolation, policy: PolicyDescription | undefined): string {
    const name = link(codeSpan(v.policyName), policy?.url);
    const severity = policy?.severity ? ` (${policy.severity})` : "";
    const type = v.resourceType ? `${markdownText(v.resourceType.split(":").pop() ?? v.resourceType)} ` : "";
    const resource = v.resourceName !== null ? `${type}${codeSpan(v.resourceName)}` : "stack";
    const source = v.source !== null ? codeSpan(v.source) : "—";
    return `| ${name}${severity} | ${resource} | ${source} | ${whatToChange(v, policy)} |`;
}

const omittedLine = (omitted: number, what: string): string[] =>
    omittedNote(omitted, what, "the SARIF or JSON report");

/**
 * The report as a pull-request comment: one summary line, the mandatory violations as a table (policy,
 * resource, file:line, what to change), the advisory ones folded, the exposure section and the offline notes.
 * Everything a program or a pack wrote (names, messages, paths) is escaped or fenced, so it reads as written and
 * cannot add markup, HTML or table cells.
 */
export function renderMarkdown(report: Report): string {
    const { document } = report;
    const { summary } = document;
    const policies = new Map<string, PolicyDescription>();
    for (const pack of report.packs) {
        for (const policy of pack.policies) {
            policies.set(`${pack.name}/${policy.name}`, policy);
        }
    }
    const rowOf = (v: ReportViolation): string => row(v, policies.get(`${v.policyPack}/${v.policyName}`));
    const mandatory = document.violations.filter((v) => v.enforcementLevel === "mandatory").map(rowOf);
    const advisory = document.violations.filter((v) => v.enforcementLevel === "advisory").map(rowOf);

    const verdict =
        summary.mandatory > 0
            ? `❌ ${summary.mandatory} mandatory, ${summary.advisory} advisory policy violation${summary.mandatory + summary.advisory === 1 ? "" : "s"}`
            : `✅ no mandatory policy violation, ${summary.advisory} advisory`;
    const head = [
        `**alicloud-sg** ${codeSpan(document.project, false)} (stack ${codeSpan(document.stack, false)}): ${verdict} · ${summary.resources} resource${summary.resources === 1 ? "" : "s"}`,
    ];

    const byUrn = new Map(report.resources.map((r) => [r.urn, r]));
    const notes = [
        report.origin.limitations,
        ...report.notes,
        ...document.invokes.map((call) => (call.source ? `${call.source}: ` : "") + invokeNote(call)),
        ...report.packs.flatMap((pack) =>
            pack.logs.map((log) => `${pack.name} ${log.severity}: ${log.message}`),
        ),
    ].map((note) => `- ${markdownText(note)}`);
    const remediated = report.remediations.map((r) => {
        const resource = byUrn.get(r.urn);
        const what = r.diagnostic ? `skipped: ${r.diagnostic}` : r.description;
        return `- ${codeSpan(r.policyName, false)} on ${codeSpan(resource?.name ?? r.urn, false)}: ${markdownText(what)}`;
    });
    const tail = [
        ...(remediated.length > 0 ? ["", "#### Remediated before analysis", "", ...remediated] : []),
        "",
        "#### Offline notes",
        "",
        ...notes,
    ];

    let budget = MARKDOWN_MAX_CHARS - [...head, ...tail].join("\n").length - 1_000;
    const mandatoryFit = fitLines(mandatory, budget);
    budget -= mandatoryFit.shown.join("\n").length;
    const [exposureTitle, ...exposureLines] = reportExposureLines(report);
    const exposure = fitLines(exposureLines, budget / 2);
    budget -= exposure.shown.join("\n").length;
    const advisoryFit = fitLines(advisory, budget);

    const lines = [...head, ""];
    if (mandatory.length > 0) {
        lines.push(
            ...HEADER,
            ...mandatoryFit.shown,
            ...omittedLine(mandatoryFit.omitted, "mandatory violations"),
        );
    } else {
        lines.push("No mandatory violation.");
    }
    if (advisory.length > 0) {
        lines.push(
            "",
            "<details>",
            `<summary>${advisory.length} advisory violation${advisory.length === 1 ? "" : "s"}</summary>`,
            "",
            ...HEADER,
            ...advisoryFit.shown,
            ...omittedLine(advisoryFit.omitted, "advisory violations"),
            "",
            "</details>",
        );
    }
    lines.push(
        "",
        `#### ${markdownText(exposureTitle.replace(/:$/, ""))}`,
        "",
        ...codeBlock(exposure.shown, "text"),
        ...omittedLine(exposure.omitted, "exposure lines"),
        ...tail,
    );
    return lines.join("\n") + "\n";
}

/**
 * What a run that could not judge the stack (exit 2) leaves for the pull request: the summary line says so and
 * why, at the user's file and line when known, so that a sticky comment does not keep an earlier verdict.
 */
export function renderMarkdownError(error: GateError, projectDir: string): string {
    const at = error.source ? ` (${codeSpan(sourceLabel(error.source, projectDir) ?? "", false)})` : "";
    return (
        [
            `**alicloud-sg**: ⛔ could not judge the stack: the ${error.kind} is bad${at}.`,
            "",
            ...error.message.split("\n").map((line) => `    ${visible(line)}`),
        ].join("\n") + "\n"
    );
}
