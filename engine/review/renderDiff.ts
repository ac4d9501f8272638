import { escapeControlCharacters as oneLine } from "../controlChars";
import type { ReportViolation } from "../report";
import type { DiffAccess, DiffDocument, DiffEdge, DiffMember, DiffNodeRef, DiffSideInfo } from "./diff";
import { codeSpan, fitRows, markdownText, MARKDOWN_MAX_CHARS } from "./markdownText";

export type DiffFormat = "text" | "json" | "markdown";
export const DIFF_FORMATS: readonly DiffFormat[] = ["text", "json", "markdown"];

/** `tcp 22, 8000-8080; udp 53`, `all protocols and ports`, or `nothing`. */
function accessText(access: readonly DiffAccess[]): string {
    if (access.length === 0) {
        return "nothing";
    }
    return access
        .map((entry) => {
            if (entry.protocol === "all") {
                return "all protocols and ports";
            }
            if (entry.ports.length === 1 && entry.ports[0] === "-1/-1") {
                return entry.protocol;
            }
            const ports = entry.ports.map((range) => {
                const [from, to] = range.split("/");
                return from === to ? from : from === "1" && to === "65535" ? "every port" : `${from}-${to}`;
            });
            return `${entry.protocol} ${ports.join(", ")}`;
        })
        .join("; ");
}

function sideText(role: string, side: DiffSideInfo): string {
    const commit = side.commit ? ` (commit ${side.commit.slice(0, 12)})` : "";
    return `${role} ${side.source}${commit}: ${side.project}, stack ${side.stack}`;
}

function edgeSummary(edge: DiffEdge): string {
    switch (edge.change) {
        case "added":
            return `added, lets in ${accessText(edge.opened)}`;
        case "removed":
            return `removed, closes ${accessText(edge.closed)}`;
        case "widened":
            return `widened, opens ${accessText(edge.opened)} (was ${accessText(edge.base)})`;
        case "narrowed":
            return `narrowed, closes ${accessText(edge.closed)} (now ${accessText(edge.head)})`;
        case "changed":
            return `changed, opens ${accessText(edge.opened)} and closes ${accessText(edge.closed)} (now ${accessText(edge.head)})`;
    }
}

const EDGE_MARK: Record<DiffEdge["change"], string> = {
    added: "+",
    removed: "-",
    widened: "+",
    narrowed: "-",
    changed: "~",
};

function edgeNotes(edge: DiffEdge): string[] {
    const notes: string[] = [];
    if (edge.openInternet) {
        notes.push(edge.opensToInternet ? "NEW TO THE OPEN INTERNET" : "open Internet");
    }
    if (edge.riskyPorts.length > 0) {
        notes.push(`risky: ${edge.riskyPorts.join(", ")}`);
    }
    if (edge.renamedFrom) {
        notes.push(`${edge.to.label} looks renamed from ${edge.renamedFrom.label}`);
    }
    if (edge.incomplete) {
        notes.push("as far as known: see Not known");
    }
    return notes;
}

function memberText(member: DiffMember): string {
    const parts: string[] = [];
    const names = (refs: readonly DiffNodeRef[]) => refs.map((ref) => ref.label).join(", ");
    if (member.change === "added") {
        parts.push(
            member.joined.length > 0
                ? `added, joins ${names(member.joined)}`
                : "added, joins no security group",
        );
    } else if (member.change === "removed") {
        parts.push(`removed (joined ${member.left.length > 0 ? names(member.left) : "no security group"})`);
    } else {
        if (member.joined.length > 0) {
            parts.push(`joins ${names(member.joined)}`);
        }
        if (member.left.length > 0) {
            parts.push(`leaves ${names(member.left)}`);
        }
    }
    if (member.openedToInternet.length > 0) {
        const ports = member.openedToInternet.map((entry) => `${entry.protocol} ${entry.port}`).join(", ");
        parts.push(`now reachable from the open Internet on ${ports} (risky)`);
    }
    return parts.join("; ");
}

function findingLabel(v: ReportViolation): string {
    return v.resourceType && v.resourceName ? `${v.resourceType}: ${v.resourceName}` : "stack";
}

/** The one-line verdict, which says why the exit status is what it is. */
function verdictText(document: DiffDocument): string {
    const { summary } = document;
    const reasons: string[] = [];
    const opening = document.edges.filter((edge) => edge.opensToInternet);
    for (const edge of opening) {
        const risky = edge.riskyPorts.length > 0 ? ` (risky: ${edge.riskyPorts.join(", ")})` : "";
        reasons.push(`${edge.from.label} → ${edge.to.label} ${accessText(edge.opened)}${risky}`);
    }
    for (const member of document.members.filter((m) => m.openedToInternet.length > 0)) {
        reasons.push(
            `${member.member.label} ${member.openedToInternet.map((entry) => `${entry.protocol} ${entry.port}`).join(", ")} (risky)`,
        );
    }
    const parts: string[] = [];
    parts.push(
        summary.opensToInternet
            ? `HEAD opens something new to the open Internet: ${reasons.join("; ")}`
            : "HEAD opens nothing new to the open Internet",
    );
    parts.push(
        summary.newMandatory > 0
            ? `${summary.newMandatory} new mandatory finding${summary.newMandatory === 1 ? "" : "s"}`
            : "no new mandatory finding",
    );
    if (summary.resolvedMandatory > 0) {
        parts.push(`${summary.resolvedMandatory} resolved`);
    }
    return parts.join("; ");
}

function indentLines(text: string, indent: string): string[] {
    return text.split("\n").map((line) => `${indent}${oneLine(line)}`);
}

export function renderDiffText(document: DiffDocument, limitations: readonly string[]): string {
    const lines: string[] = [];
    lines.push(oneLine(sideText("BASE", document.base)));
    lines.push(oneLine(sideText("HEAD", document.head)));
    lines.push(`Groups, members and findings matched by ${document.matchedBy}.`);
    limitations.forEach((note) => lines.push(oneLine(note)));
    lines.push("");

    lines.push("Access (effective ingress after priority resolution, each member's groups pooled):");
    if (document.edges.length === 0) {
        lines.push("    no change");
    }
    for (const edge of document.edges) {
        const notes = edgeNotes(edge);
        lines.push(
            oneLine(
                `  ${EDGE_MARK[edge.change]} ${edge.from.label} → ${edge.to.label}: ${edgeSummary(edge)}${notes.length > 0 ? ` [${notes.join("; ")}]` : ""}`,
            ),
        );
    }
    lines.push("");

    const { groups } = document;
    if (groups.added.length + groups.removed.length > 0) {
        lines.push("Security groups:");
        groups.added.forEach((group) => lines.push(oneLine(`  + ${group.label} (added)`)));
        groups.removed.forEach((group) => lines.push(oneLine(`  - ${group.label} (removed)`)));
        for (const { from, to } of groups.renamed) {
            lines.push(
                oneLine(
                    `    ${from.label} → ${to.label} looks like a rename, which reads as removed plus added: Pulumi deletes ${from.label} and its rules and creates ${to.label} unless ${to.label} declares aliases: [{ name: "${from.label}" }]`,
                ),
            );
        }
        lines.push("");
    }

    if (document.members.length > 0) {
        lines.push("Members:");
        for (const member of document.members) {
            lines.push(oneLine(`  ${member.member.label} (${member.member.type}): ${memberText(member)}`));
        }
        lines.push("");
    }

    const { findings } = document;
    lines.push("Policy findings:");
    if (findings.new.length + findings.resolved.length === 0) {
        lines.push("    no new or resolved finding");
    }
    for (const [mark, list] of [
        ["new", findings.new],
        ["resolved", findings.resolved],
    ] as const) {
        for (const v of list) {
            lines.push(
                oneLine(
                    `  ${mark === "new" ? "+" : "-"} ${mark} [${v.enforcementLevel}] ${v.policyName} (${findingLabel(v)})`,
                ),
            );
            lines.push(...indentLines(v.message, "      "));
            if (v.source) {
                lines.push(oneLine(`      at ${v.source}`));
            }
        }
    }
    lines.push("");

    for (const [role, list] of [
        ["HEAD", document.unknowns.head],
        ["BASE", document.unknowns.base],
    ] as const) {
        if (list.length > 0) {
            lines.push(`Not known in ${role} (said, not guessed):`);
            list.forEach((text) => lines.push(oneLine(`  - ${text}`)));
            lines.push("");
        }
    }

    lines.push(`Verdict: ${oneLine(verdictText(document))} (exit ${document.summary.exitCode})`);
    return lines.join("\n") + "\n";
}

export function renderDiffJson(document: DiffDocument): string {
    return JSON.stringify(document, null, 2) + "\n";
}

function refCell(ref: DiffNodeRef): string {
    return ref.kind === "group" || ref.kind === "external-group"
        ? codeSpan(ref.label)
        : markdownText(ref.label);
}

/** A pull-request comment: the verdict first, then the access changes, members, findings and what is not known. */
export function renderDiffMarkdown(document: DiffDocument, limitations: readonly string[]): string {
    const { summary } = document;
    const mark = summary.exitCode === 0 ? "✅" : "❌";
    const head = [
        `${mark} **alicloud-sg diff** ${codeSpan(document.base.source, false)} → ${codeSpan(document.head.source, false)}: ${markdownText(verdictText(document))}`,
        "",
    ];
    const tail: string[] = [];
    const unknowns = [
        ...document.unknowns.head.map((text) => `- HEAD: ${markdownText(text)}`),
        ...document.unknowns.base.map((text) => `- BASE: ${markdownText(text)}`),
    ];
    if (unknowns.length > 0) {
        tail.push(
            "<details><summary>Not known (said, not guessed)</summary>",
            "",
            ...unknowns,
            "",
            "</details>",
            "",
        );
    }
    tail.push(
        "<details><summary>Notes</summary>",
        "",
        `- ${markdownText(sideText("BASE", document.base))}`,
        `- ${markdownText(sideText("HEAD", document.head))}`,
        `- Groups, members and findings matched by ${document.matchedBy}; access is effective ingress after priority resolution, each member's groups pooled.`,
        ...limitations.map((note) => `- ${markdownText(note)}`),
        "",
        "</details>",
    );
    let budget = MARKDOWN_MAX_CHARS - [...head, ...tail].join("\n").length - 2_000;
    const body: string[] = [];
    const section = (title: string, header: string[], rows: string[], what: string) => {
        if (rows.length === 0) {
            return;
        }
        const fitted = fitRows(rows, Math.max(0, budget), what);
        budget -= fitted.join("\n").length;
        body.push(`#### ${title}`, "", ...header, ...fitted, "");
    };
    section(
        "Access changes",
        ["| change | from | to | opens | closes | notes |", "| --- | --- | --- | --- | --- | --- |"],
        document.edges.map((edge) => {
            const notes = edgeNotes(edge).map((note) =>
                note === "NEW TO THE OPEN INTERNET" ? "**new to the open Internet**" : markdownText(note),
            );
            const cell = (access: readonly DiffAccess[]) =>
                access.length === 0 ? "—" : markdownText(accessText(access));
            return `| ${edge.change} | ${refCell(edge.from)} | ${refCell(edge.to)} | ${cell(edge.opened)} | ${cell(edge.closed)} | ${notes.join("; ") || "—"} |`;
        }),
        "access changes",
    );
    if (document.edges.length === 0) {
        body.push("#### Access changes", "", "No change in who can reach what.", "");
    }
    const groupLines = [
        ...document.groups.added.map((group) => `- added ${codeSpan(group.label, false)}`),
        ...document.groups.removed.map((group) => `- removed ${codeSpan(group.label, false)}`),
        ...document.groups.renamed.map(
            ({ from, to }) =>
                `- ${codeSpan(from.label, false)} → ${codeSpan(to.label, false)} looks like a rename, which reads as removed plus added: Pulumi deletes ${codeSpan(from.label, false)} and its rules and creates ${codeSpan(to.label, false)} unless it declares ${codeSpan(`aliases: [{ name: "${from.label}" }]`, false)}`,
        ),
    ];
    if (groupLines.length > 0) {
        body.push("#### Security groups", "", ...groupLines, "");
    }
    section(
        "Members",
        ["| member | type | change |", "| --- | --- | --- |"],
        document.members.map(
            (member) =>
                `| ${codeSpan(member.member.label)} | ${codeSpan(member.member.type)} | ${markdownText(memberText(member))} |`,
        ),
        "members",
    );
    const findingRow = (status: string) => (v: ReportViolation) =>
        `| ${status} | ${v.enforcementLevel} | ${codeSpan(v.policyName)} | ${v.resourceName !== null ? codeSpan(v.resourceName) : "stack"} | ${v.source !== null ? codeSpan(v.source) : "—"} | ${v.message
            .split("\n")
            .filter((line) => line.trim() !== "")
            .map(markdownText)
            .join("<br>")} |`;
    const findingHeader = [
        "| | level | policy | resource | source | message |",
        "| --- | --- | --- | --- | --- | --- |",
    ];
    const mandatory = (list: readonly ReportViolation[]) =>
        list.filter((v) => v.enforcementLevel === "mandatory");
    const advisory = (list: readonly ReportViolation[]) =>
        list.filter((v) => v.enforcementLevel === "advisory");
    section(
        "Mandatory findings",
        findingHeader,
        [
            ...mandatory(document.findings.new).map(findingRow("new")),
            ...mandatory(document.findings.resolved).map(findingRow("resolved")),
        ],
        "mandatory findings",
    );
    const advisoryRows = [
        ...advisory(document.findings.new).map(findingRow("new")),
        ...advisory(document.findings.resolved).map(findingRow("resolved")),
    ];
    if (advisoryRows.length > 0) {
        body.push(
            `<details><summary>${summary.newAdvisory} new and ${summary.resolvedAdvisory} resolved advisory findings</summary>`,
            "",
        );
        section("Advisory findings", findingHeader, advisoryRows, "advisory findings");
        body.push("</details>", "");
    }
    return [...head, ...body, ...tail].join("\n") + "\n";
}
