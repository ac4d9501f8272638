import * as assert from "node:assert/strict";
import * as path from "node:path";
import { buildReport, problemsOf } from "../../engine/report";
import { renderSarif } from "../../engine/render/sarif";
import { renderText } from "../../engine/render/text";
import type { PackResult, RecordedResource, Violation } from "../../engine/types";
import { recordedResource } from "./recorded";

/**
 * One root cause reads as one problem: SSH from anywhere is judged by two mandatory policies (each keeps its
 * own judgement and level), and the report presents them together in the text report, its summary and SARIF.
 */

const DIR = path.resolve("/project");
const RULE = "alicloud:ecs/securityGroupRule:SecurityGroupRule";
const GROUP = "alicloud:ecs/securityGroup:SecurityGroup";
const urn = (type: string, name: string) => `urn:pulumi:dev::shop::${type}::${name}`;

function resource(type: string, name: string, line: number): RecordedResource {
    return recordedResource({
        urn: urn(type, name),
        type,
        name,
        source: { file: path.join(DIR, "index.ts"), line, column: 1 },
    });
}

const BROAD =
    'Rule web-ssh allows tcp 22 from 0.0.0.0/0 at priority 1: it opens tcp 22 to every address, the Internet included ("0.0.0.0/0"). It cannot be declared a public service (port 22 must never face the open Internet): authorize a source security group or a block of /16 (IPv4) or /48 (IPv6) or longer instead.';
const RISKY =
    "Rule web-ssh allows tcp 22 from 0.0.0.0/0 at priority 1, so the open Internet reaches risky port 22 on web-1; authorize a bastion security group or a narrow office CIDR instead.";
const EXPLICIT =
    "Rule web-ssh leaves policy to the provider, which defaults it to accept; set policy explicitly.";
const TAGS =
    "Security group db has no tags; add non-empty tags (an owner tag, for instance) so that its owner can be found.";

function violation(
    policyName: string,
    enforcementLevel: "mandatory" | "advisory",
    message: string,
    resourceUrn: string,
    pack = "alicloud-secure-groups",
): Violation {
    return {
        policyPack: pack,
        policyPackVersion: "0.1.0",
        policyName,
        description: `${policyName} description.`,
        enforcementLevel,
        message,
        urn: resourceUrn,
    };
}

function pack(name: string, violations: Violation[]): PackResult {
    return {
        name,
        version: "0.1.0",
        directory: `/packs/${name}`,
        policies: [...new Set(violations.map((v) => v.policyName))].map((policy) => ({
            name: policy,
            description: `${policy} description.`,
            enforcementLevel: "mandatory",
            type: "stack",
        })),
        config: {},
        violations,
        remediations: [],
        logs: [],
    };
}

describe("engine/report: one root cause, one problem", () => {
    const resources = [resource(RULE, "web-ssh", 12), resource(GROUP, "db", 30)];
    const ssh = urn(RULE, "web-ssh");
    const db = urn(GROUP, "db");
    const report = buildReport(
        { dir: DIR, name: "shop", stack: "dev", organization: "o", program: DIR, config: {}, secretKeys: [] },
        resources,
        [
            pack("alicloud-secure-groups", [
                violation("disallow-public-risky-ports", "mandatory", RISKY, ssh),
                violation("missing-explicit-rule-settings", "advisory", EXPLICIT, ssh),
                violation("missing-security-group-tags", "mandatory", TAGS, db),
                violation("disallow-broad-intranet-cidr", "mandatory", BROAD, ssh),
            ]),
            // Another pack's policy on the same rule is its own problem: its causes are not ours to merge.
            pack("org-pack", [violation("no-ssh", "mandatory", "No SSH from anywhere.", ssh, "org-pack")]),
        ],
        new Map(),
    );

    it("groups the same-cause policies of the bundled pack on one rule, and nothing else", () => {
        assert.deepEqual(
            report.problems.map((p) => [
                p.enforcementLevel,
                p.violations.map((v) => `${v.policyName}@${v.resourceName}`),
            ]),
            [
                [
                    "mandatory",
                    ["disallow-broad-intranet-cidr@web-ssh", "disallow-public-risky-ports@web-ssh"],
                ],
                ["mandatory", ["missing-security-group-tags@db"]],
                ["mandatory", ["no-ssh@web-ssh"]],
                ["advisory", ["missing-explicit-rule-settings@web-ssh"]],
            ],
        );
        assert.equal(
            report.document.summary.mandatory,
            4,
            "every policy's judgement stays in the JSON document",
        );
        assert.deepEqual(problemsOf([]), []);
    });

    it("reads as one entry and one problem in the text report and its summary", () => {
        const text = renderText(report, { color: false });
        const lines = text.trimEnd().split("\n");
        const start = lines.indexOf("    ✗ alicloud-secure-groups@v0.1.0 (/packs/alicloud-secure-groups)");
        assert.deepEqual(lines.slice(start, start + 12), [
            "    ✗ alicloud-secure-groups@v0.1.0 (/packs/alicloud-secure-groups)",
            `        - [mandatory]  disallow-broad-intranet-cidr + disallow-public-risky-ports  (${RULE}: web-ssh)`,
            `          disallow-broad-intranet-cidr [mandatory]: ${BROAD}`,
            `          disallow-public-risky-ports [mandatory]: ${RISKY}`,
            "          at index.ts:12",
            `        - [mandatory]  missing-security-group-tags  (${GROUP}: db)`,
            `          ${TAGS}`,
            "          at index.ts:30",
            `        - [advisory]  missing-explicit-rule-settings  (${RULE}: web-ssh)`,
            `          ${EXPLICIT}`,
            "          at index.ts:12",
            "    ✗ org-pack@v0.1.0 (/packs/org-pack)",
        ]);
        assert.equal(
            lines[lines.length - 1],
            "Resources: 2 · Problems: 3 mandatory, 1 advisory · Policy violations: 4 mandatory, 1 advisory",
        );
    });

    it("is one SARIF result carrying each policy's judgement", () => {
        const sarif = JSON.parse(renderSarif(report, { baseDir: DIR, toolVersion: "0.1.0" }));
        const results = sarif.runs[0].results as {
            ruleId: string;
            level: string;
            message: { text: string };
            properties: { policies: { policyName: string; enforcementLevel: string; message: string }[] };
        }[];
        assert.deepEqual(
            results.map((r) => [r.ruleId, r.level]),
            [
                ["alicloud-secure-groups/disallow-broad-intranet-cidr", "error"],
                ["alicloud-secure-groups/missing-security-group-tags", "error"],
                ["org-pack/no-ssh", "error"],
                ["alicloud-secure-groups/missing-explicit-rule-settings", "warning"],
            ],
        );
        assert.equal(
            results[0].message.text,
            [
                "One problem, judged by 2 policies:",
                `disallow-broad-intranet-cidr (mandatory): ${BROAD}`,
                `disallow-public-risky-ports (mandatory): ${RISKY}`,
            ].join("\n"),
        );
        assert.deepEqual(results[0].properties.policies, [
            { policyName: "disallow-broad-intranet-cidr", enforcementLevel: "mandatory", message: BROAD },
            { policyName: "disallow-public-risky-ports", enforcementLevel: "mandatory", message: RISKY },
        ]);
        assert.equal(results[1].message.text, TAGS);
    });
});
