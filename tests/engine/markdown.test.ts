import * as assert from "assert";
import MarkdownIt from "markdown-it";
import { renderMarkdown } from "../../engine/render/markdown";
import { MARKDOWN_MAX_CHARS } from "../../engine/review/markdownText";
import { MOCK_LIMITATIONS } from "../../engine/report";
import { SecretValues } from "../../engine/secrets";
import { UNKNOWN_SENTINEL } from "../../core/wire";
import {
    BARE,
    DESCRIPTION,
    GROUP_TYPE,
    pack,
    report,
    resource,
    RISKY,
    RULE_TYPE,
    TAGS,
    urnOf,
    violation,
} from "./reportFixture";

type Tokens = MarkdownIt.Token[];

interface Table {
    readonly header: string[];
    readonly rows: string[][];
    /** Every inline token type met inside the table's cells, e.g. `text`, `code_inline`, `link_open`. */
    readonly inlineTypes: Set<string>;
}

/** A cell as a reader sees it: text and code spans as written, `<br>` as a line break. */
function cellText(children: Tokens): string {
    return children
        .map((child) =>
            child.type === "html_inline" && child.content === "<br>"
                ? "\n"
                : child.type === "text" || child.type === "code_inline"
                  ? child.content
                  : "",
        )
        .join("");
}

/** Every table of `tokens`, read back from what markdown-it parsed (GFM tables), not from the source text. */
function tables(tokens: Tokens): Table[] {
    const found: Table[] = [];
    let current: { header: string[]; rows: string[][]; inlineTypes: Set<string> } | undefined;
    let row: string[] | undefined;
    let inHead = false;
    for (const token of tokens) {
        if (token.type === "table_open") current = { header: [], rows: [], inlineTypes: new Set() };
        if (token.type === "table_close" && current) found.push(current);
        if (token.type === "thead_open") inHead = true;
        if (token.type === "thead_close") inHead = false;
        if (token.type === "tr_open") row = [];
        if (token.type === "tr_close" && row && current) {
            if (inHead) current.header = row;
            else current.rows.push(row);
            row = undefined;
        }
        if (token.type === "inline" && row && current) {
            row.push(cellText(token.children ?? []));
            for (const child of token.children ?? []) current.inlineTypes.add(child.type);
        }
    }
    return found;
}

const parser = new MarkdownIt({ html: true });
const HEADER = ["policy", "resource", "source", "what to change"];

// What a pull request could put in a name or a message: a cell break, code, HTML, an entity, emphasis, a link,
// math, strikethrough, a terminal escape, a newline and a right-to-left override.
const HOSTILE_NAME =
    "web|ssh`x` <script>alert(1)</script> **b** [x](https://evil.example) &lt;i&gt; $a$ ~~s~~";
const HOSTILE_MESSAGE =
    "Rule web allows tcp 22 | from 0.0.0.0/0\n<img src=x onerror=alert(1)> `code` \u001b[31mred\u001b[0m \u202eevil";

describe("engine/render/markdown: the report as a pull-request comment", () => {
    const group = resource(GROUP_TYPE, "web", { vpcId: "vpc-1", tags: { owner: "team-web" } }, 10);
    const ssh = resource(
        RULE_TYPE,
        "web-ssh",
        {
            type: "ingress",
            ipProtocol: "tcp",
            portRange: "22/22",
            cidrIp: "0.0.0.0/0",
            priority: 1,
            policy: "accept",
            nicType: "intranet",
            securityGroupId: UNKNOWN_SENTINEL,
        },
        14,
        { securityGroupId: [urnOf(GROUP_TYPE, "web")] },
    );
    const hostile = resource(GROUP_TYPE, HOSTILE_NAME, { vpcId: "vpc-1" }, 22);

    it("escapes every name and message so that each reads as written and adds no cell, markup or HTML", () => {
        const markdown = renderMarkdown(
            report(
                [group, ssh, hostile],
                [
                    pack(
                        "alicloud-secure-groups",
                        [RISKY, TAGS, DESCRIPTION],
                        [
                            violation(RISKY, ssh.urn, HOSTILE_MESSAGE),
                            violation(TAGS, hostile.urn, `Security group ${HOSTILE_NAME} has no tags.`),
                            violation(DESCRIPTION, hostile.urn, "Set a description | or a name."),
                        ],
                    ),
                ],
            ),
        );
        const tokens = parser.parse(markdown, {});
        const [mandatory, advisory, ...rest] = tables(tokens);
        assert.deepStrictEqual(rest, []);
        assert.deepStrictEqual(mandatory.header, HEADER);
        assert.deepStrictEqual(mandatory.rows, [
            [
                "disallow-public-risky-ports (critical)",
                "SecurityGroupRule web-ssh",
                "index.ts:14",
                "Rule web allows tcp 22 | from 0.0.0.0/0\n<img src=x onerror=alert(1)> `code` \\x1b[31mred\\x1b[0m \\u202eevil",
            ],
            [
                "missing-security-group-tags (low)",
                `SecurityGroup ${HOSTILE_NAME}`,
                "index.ts:22",
                `Security group ${HOSTILE_NAME} has no tags.`,
            ],
        ]);
        assert.deepStrictEqual(advisory.header, HEADER);
        assert.deepStrictEqual(advisory.rows, [
            [
                "missing-security-group-description (medium)",
                `SecurityGroup ${HOSTILE_NAME}`,
                "index.ts:22",
                "Set a description | or a name.",
            ],
        ]);
        // Cells hold text, code spans, the policy's link and our own line breaks: nothing a name or message made.
        assert.deepStrictEqual([...mandatory.inlineTypes].sort(), [
            "code_inline",
            "html_inline",
            "link_close",
            "link_open",
            "text",
        ]);
        assert.deepStrictEqual([...advisory.inlineTypes].sort(), ["code_inline", "text"]);
        const html = tokens.flatMap((token) => [
            ...(token.type === "html_block" ? [token.content.trim()] : []),
            ...(token.children ?? []).filter((c) => c.type === "html_inline").map((c) => c.content),
        ]);
        assert.deepStrictEqual(html, [
            "<br>",
            "<details>\n<summary>1 advisory violation</summary>",
            "</details>",
        ]);
        const links = tokens.flatMap((token) =>
            (token.children ?? []).filter((c) => c.type === "link_open").map((c) => c.attrGet("href")),
        );
        assert.deepStrictEqual(links, [RISKY.url]);
        // The terminal escape and the override are spelt out in the text, never raw.
        assert.ok(
            !markdown.includes("\u001b") && !markdown.includes("\u202e"),
            "a raw control character reached the Markdown",
        );
        assert.ok(markdown.includes("\\\\x1b\\[31mred"), markdown);
    });

    it("opens with one summary line, then the mandatory table, the folded advisory one, exposure and notes", () => {
        const markdown = renderMarkdown(
            report(
                [group, ssh],
                [
                    pack(
                        "alicloud-secure-groups",
                        [RISKY, DESCRIPTION],
                        [
                            violation(
                                RISKY,
                                ssh.urn,
                                "Rule web-ssh allows tcp 22 from 0.0.0.0/0 at priority 1, so the open Internet reaches risky port 22 on security group web.",
                            ),
                            violation(DESCRIPTION, group.urn, "Security group web has no description."),
                        ],
                    ),
                ],
                ["ESC environments not opened (they need Pulumi Cloud): platform/policy-defaults (x)."],
            ),
        );
        const lines = markdown.split("\n");
        assert.strictEqual(
            lines[0],
            "**alicloud-sg** `network` (stack `prod`): ❌ 1 mandatory, 1 advisory policy violations · 2 resources",
        );
        const headings = parser
            .parse(markdown, {})
            .filter((token) => token.type === "inline")
            .map((token) => token.content)
            .filter((content) => content.startsWith("Exposure") || content === "Offline notes");
        assert.deepStrictEqual(headings, [
            "Exposure (after priority resolution; the open Internet is any address, or a public block broader than /16 (IPv4) or /48 (IPv6))",
            "Offline notes",
        ]);
        const fence = parser.parse(markdown, {}).find((token) => token.type === "fence");
        assert.strictEqual(fence?.info, "text");
        assert.strictEqual(fence?.content, "    web  tcp 22/22 from Internet (risky: 22)\n");
        const notes = parser
            .parse(markdown, {})
            .filter((token) => token.type === "inline")
            .map((token) => token.content)
            .slice(-2);
        assert.deepStrictEqual(notes, [
            MOCK_LIMITATIONS,
            "ESC environments not opened (they need Pulumi Cloud): platform/policy-defaults (x).",
        ]);
        const order = ["| policy |", "<details>", "#### Exposure", "#### Offline notes"].map((marker) =>
            markdown.indexOf(marker),
        );
        assert.deepStrictEqual(
            [...order].sort((a, b) => a - b),
            order,
            "sections in order",
        );
    });

    it("says a clean stack passes, and keeps a pack without metadata readable", () => {
        const markdown = renderMarkdown(
            report(
                [group],
                [
                    pack(
                        "acme-extra",
                        [BARE],
                        [violation(BARE, null, "No SSH anywhere, please.", "acme-extra")],
                        [{ severity: "warning", message: "pack <b>warning</b>", urn: null }],
                    ),
                ],
            ),
        );
        assert.strictEqual(
            markdown.split("\n")[0],
            "**alicloud-sg** `network` (stack `prod`): ✅ no mandatory policy violation, 1 advisory · 1 resource",
        );
        const tokens = parser.parse(markdown, {});
        assert.strictEqual(
            tokens.find((token) => token.type === "inline" && token.content.startsWith("No mandatory"))
                ?.content,
            "No mandatory violation.",
        );
        const [advisory] = tables(tokens);
        assert.deepStrictEqual(advisory.rows, [["no-ssh", "stack", "—", "No SSH anywhere, please."]]);
        const notes = tokens
            .filter((token) => token.type === "inline")
            .map((token) => cellText(token.children ?? []));
        assert.strictEqual(notes[notes.length - 1], "acme-extra warning: pack <b>warning</b>");
    });

    it(`stays under ${MARKDOWN_MAX_CHARS} characters (GitHub's comment limit is 65,536) and says what it left out`, () => {
        const groups = Array.from({ length: 1500 }, (_, index) =>
            resource(GROUP_TYPE, `tier-${index}-web`, { vpcId: "vpc-1" }, 10 + index),
        );
        const violations = groups.map((g) =>
            violation(
                TAGS,
                g.urn,
                `Security group ${g.name} has no tags; add non-empty tags including "owner".`,
            ),
        );
        const markdown = renderMarkdown(report(groups, [pack("alicloud-secure-groups", [TAGS], violations)]));
        assert.ok(markdown.length <= MARKDOWN_MAX_CHARS, `${markdown.length} characters`);
        const [mandatory] = tables(parser.parse(markdown, {}));
        const omitted = Number(markdown.match(/…and (\d+) more mandatory violations, not shown here/)?.[1]);
        assert.ok(mandatory.rows.length > 100, `${mandatory.rows.length} rows shown`);
        assert.strictEqual(mandatory.rows.length + omitted, 1500);
        assert.deepStrictEqual(mandatory.rows[0], [
            "missing-security-group-tags (low)",
            "SecurityGroup tier-0-web",
            "index.ts:10",
            'Security group tier-0-web has no tags; add non-empty tags including "owner".',
        ]);
    });

    it("lets the gate scrub a secret from it in the spellings Markdown gives (escaped text, table code spans)", () => {
        const secretName = "db|main_[prod]*";
        const group = resource(GROUP_TYPE, secretName, { vpcId: "vpc-1" }, 12);
        const markdown = renderMarkdown(
            report(
                [group],
                [
                    pack(
                        "alicloud-secure-groups",
                        [TAGS],
                        [violation(TAGS, group.urn, `Security group ${secretName} has no tags.`)],
                    ),
                ],
            ),
        );
        const secrets = new SecretValues();
        secrets.addValue(secretName);
        const scrubbed = secrets.scrubDocument(markdown);
        assert.ok(!scrubbed.includes("main"), scrubbed);
        const [mandatory] = tables(parser.parse(scrubbed, {}));
        assert.deepStrictEqual(mandatory.rows, [
            [
                "missing-security-group-tags (low)",
                "SecurityGroup [secret]",
                "index.ts:12",
                "Security group [secret] has no tags.",
            ],
        ]);
    });
});
