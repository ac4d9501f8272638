import * as assert from "node:assert/strict";
import MarkdownIt from "markdown-it";
import type { DiffDocument } from "../../engine/review/diff";
import { renderDiffMarkdown } from "../../engine/review/renderDiff";
import type { ReportViolation } from "../../engine/report";

/** Each table of the comment as GitHub-flavoured Markdown parses it: rows of cells, each cell's plain text. */
function tablesOf(markdown: string): string[][][] {
    const tokens = new MarkdownIt({ html: true }).parse(markdown, {});
    const tables: string[][][] = [];
    let row: string[] | undefined;
    for (const token of tokens) {
        if (token.type === "table_open") {
            tables.push([]);
        } else if (token.type === "tr_open") {
            row = [];
            tables[tables.length - 1].push(row);
        } else if (token.type === "inline" && row) {
            // Text and code are what a reader sees; a hard break is the <br> between a message's lines.
            row.push(
                (token.children ?? [])
                    .map((child) =>
                        child.type === "text" || child.type === "code_inline"
                            ? child.content
                            : child.type === "html_inline" && child.content === "<br>"
                              ? "\n"
                              : `[${child.type}]`,
                    )
                    .join(""),
            );
        } else if (token.type === "tr_close") {
            row = undefined;
        }
    }
    return tables;
}

/** Inline markup a program or pack could have smuggled in: links, images, emphasis, raw HTML other than <br>. */
function markupOf(markdown: string): string[] {
    return new MarkdownIt({ html: true, linkify: false })
        .parse(markdown, {})
        .filter((token) => token.type === "inline")
        .flatMap((token) => token.children ?? [])
        .filter(
            (child) =>
                ["link_open", "image", "em_open", "s_open"].includes(child.type) ||
                (child.type === "html_inline" && child.content !== "<br>"),
        )
        .map((child) => `${child.type} ${child.content}`);
}

// A group whose logical name a program built from user input, and a pack message quoting a description that
// holds table and HTML syntax: nothing of them may become markup or a cell of its own.
const HOSTILE_GROUP = "admin|ops`x";
const violation: ReportViolation = {
    policyPack: "alicloud-secure-groups",
    policyName: "disallow-public-risky-ports",
    enforcementLevel: "mandatory",
    message:
        "Rejects security groups that effectively let the open Internet reach a risky port.\n" +
        'Rule admin-ssh ("ops | <img src=x onerror=alert(1)> _now_") allows tcp 22 from 0.0.0.0/0 at priority 1.',
    urn: "urn:pulumi:dev::shop::alicloud:ecs/securityGroupRule:SecurityGroupRule::admin-ssh",
    resourceType: "alicloud:ecs/securityGroupRule:SecurityGroupRule",
    resourceName: "admin-ssh",
    source: "HEAD:infra/index.ts:42",
};
const document: DiffDocument = {
    base: {
        source: "git:origin/main",
        kind: "program",
        project: "shop",
        stack: "dev",
        commit: "0".repeat(40),
    },
    head: { source: "infra", kind: "program", project: "shop", stack: "dev", commit: null },
    matchedBy: "logical name",
    edges: [
        {
            change: "added",
            from: { id: "internet", label: "Internet", kind: "internet" },
            to: { id: HOSTILE_GROUP, label: HOSTILE_GROUP, kind: "group" },
            openInternet: true,
            base: [],
            head: [{ protocol: "tcp", ports: ["22/22"] }],
            opened: [{ protocol: "tcp", ports: ["22/22"] }],
            closed: [],
            riskyPorts: [22],
            incomplete: false,
            renamedFrom: null,
            opensToInternet: true,
        },
    ],
    groups: { added: [{ id: HOSTILE_GROUP, label: HOSTILE_GROUP, kind: "group" }], removed: [], renamed: [] },
    members: [],
    findings: { new: [violation], resolved: [] },
    unknowns: { base: [], head: [] },
    summary: {
        opensToInternet: true,
        newMandatory: 1,
        resolvedMandatory: 0,
        newAdvisory: 0,
        resolvedAdvisory: 0,
        edges: { added: 1, removed: 0, widened: 0, narrowed: 0, changed: 0 },
        exitCode: 1,
    },
};

describe("diff --format markdown: a pull-request comment that parses back to what was compared", () => {
    const markdown = renderDiffMarkdown(document, ["Offline preview under the SDK's mock runtime."]);

    it("parses to the access and findings tables, cell for cell, names and messages as written", () => {
        assert.deepEqual(tablesOf(markdown), [
            [
                ["change", "from", "to", "opens", "closes", "notes"],
                // The one markup of the row is the comment's own: the bold that makes the opening stand out.
                [
                    "added",
                    "Internet",
                    HOSTILE_GROUP,
                    "tcp 22",
                    "—",
                    "[strong_open]new to the open Internet[strong_close]; risky: 22",
                ],
            ],
            [
                ["", "level", "policy", "resource", "source", "message"],
                [
                    "new",
                    "mandatory",
                    "disallow-public-risky-ports",
                    "admin-ssh",
                    "HEAD:infra/index.ts:42",
                    violation.message,
                ],
            ],
        ]);
    });

    it("adds no link, image, emphasis or HTML of what a program or pack wrote", () => {
        assert.deepEqual(markupOf(markdown), []);
    });

    it("opens with the verdict a reviewer gates on", () => {
        assert.equal(
            markdown.split("\n")[0],
            "❌ **alicloud-sg diff** `git:origin/main` → `infra`: HEAD opens something new to the open Internet: Internet → admin\\|ops\\`x tcp 22 (risky: 22); 1 new mandatory finding",
        );
    });
});
