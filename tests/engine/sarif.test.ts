import * as assert from "assert";
import { renderSarif, type SarifOptions } from "../../engine/render/sarif";
import type { Report } from "../../engine/report";
import type { PackResult, PolicyDescription, RecordedResource, Violation } from "../../engine/types";
import { assertValidSarif } from "./sarifSchema";
import {
    BARE,
    DESCRIPTION,
    GROUP_TYPE,
    pack,
    PROJECT_DIR,
    report,
    resource,
    RISKY,
    RULE_TYPE,
    TAGS,
    violation,
} from "./reportFixture";

const OPTIONS: SarifOptions = {
    baseDir: "/work/infra",
    toolVersion: "0.1.0",
    informationUri: "https://github.com/alicloud-secure-groups/alicloud-secure-groups",
};

interface SarifRule {
    id: string;
    helpUri?: string;
    help?: { text: string };
    shortDescription: { text: string };
    defaultConfiguration: { level: string };
    properties: { "security-severity"?: string; tags: string[] };
}

interface SarifResult {
    ruleId: string;
    message: { text: string };
    partialFingerprints: Record<string, string>;
    locations: { physicalLocation?: { region: { startLine: number } } }[];
}

interface SarifRun {
    tool: { driver: { informationUri?: string; rules: SarifRule[] } };
    invocations: { toolExecutionNotifications: { message: { text: string } }[] }[];
    results: SarifResult[];
}

/** Renders, checks against the official schema, and returns the one run. */
function sarifRun(input: Report): SarifRun {
    const log = JSON.parse(renderSarif(input, OPTIONS));
    assertValidSarif(log);
    return log.runs[0] as SarifRun;
}

/** The SARIF run of the bundled pack's `policies` over `resources`, having found `violations`. */
function runWith(
    resources: RecordedResource[],
    policies: PolicyDescription[],
    violations: Violation[],
    ...otherPacks: PackResult[]
): SarifRun {
    return sarifRun(report(resources, [pack("alicloud-secure-groups", policies, violations), ...otherPacks]));
}

const ruleInputs = (line: number) =>
    resource(
        RULE_TYPE,
        "web-ssh",
        { type: "ingress", ipProtocol: "tcp", portRange: "22/22", cidrIp: "0.0.0.0/0", priority: 1 },
        line,
    );

describe("engine/render/sarif: SARIF as code scanning reads it", () => {
    const group = resource(GROUP_TYPE, "web", { vpcId: "vpc-1" }, 10);

    it("gives each rule the policy's security-severity, help, helpUri and benchmark controls", () => {
        const rule = ruleInputs(14);
        const run = runWith(
            [group, rule],
            [RISKY, TAGS, DESCRIPTION],
            [violation(RISKY, rule.urn, "Open.")],
            pack("acme-extra", [BARE], []),
        );
        const [risky, tags, description, bare] = run.tool.driver.rules;
        assert.deepStrictEqual(
            {
                id: risky.id,
                short: risky.shortDescription.text,
                helpUri: risky.helpUri,
                help: risky.help?.text,
                level: risky.defaultConfiguration.level,
                severity: risky.properties["security-severity"],
                tags: risky.properties.tags,
            },
            {
                id: "alicloud-secure-groups/disallow-public-risky-ports",
                short: "Risky ports open to the Internet",
                helpUri: RISKY.url,
                help: "Remove the accept that lets the open Internet reach the port.",
                level: "error",
                severity: "9.5",
                tags: ["security", "CIS 3.2, 4.3, 4.4"],
            },
        );
        // GitHub's bands: low < 4.0 <= medium < 7.0 <= high < 9.0 <= critical.
        assert.strictEqual(tags.properties["security-severity"], "3.0");
        assert.strictEqual(description.properties["security-severity"], "5.5");
        assert.strictEqual(description.defaultConfiguration.level, "warning");
        // A policy that says nothing about itself still makes a valid rule, without invented metadata.
        assert.strictEqual(bare.id, "acme-extra/no-ssh");
        assert.strictEqual(bare.shortDescription.text, "no-ssh");
        assert.strictEqual(bare.helpUri, undefined);
        assert.strictEqual(bare.properties["security-severity"], undefined);
        assert.strictEqual(run.tool.driver.informationUri, OPTIONS.informationUri);
    });

    it("fingerprints a result by policy and URN: the same across runs, moved lines and reworded messages", () => {
        const resultAt = (line: number, message: string) =>
            sarifRun(
                report(
                    [group, ruleInputs(line)],
                    [
                        pack(
                            "alicloud-secure-groups",
                            [RISKY],
                            [violation(RISKY, ruleInputs(line).urn, message)],
                        ),
                    ],
                ),
            ).results[0];
        const before = resultAt(14, "Port 22 is open.");
        const after = resultAt(31, "Port 22 is open to the Internet.");
        assert.strictEqual(before.locations[0].physicalLocation?.region.startLine, 14);
        assert.strictEqual(after.locations[0].physicalLocation?.region.startLine, 31);
        assert.deepStrictEqual(before.partialFingerprints, {
            "policyResourceHash/v1": "9b5dfd931cb6df15f8aaac682315fe1cf907858836580b8336b2be1409715df1",
        });
        assert.deepStrictEqual(after.partialFingerprints, before.partialFingerprints);
    });

    it("tells apart two results of one policy on one resource, and stack-level results", () => {
        const rule = ruleInputs(14);
        const run = runWith(
            [group, rule],
            [RISKY, TAGS],
            [
                violation(RISKY, rule.urn, "Port 22 is open."),
                violation(TAGS, group.urn, "No tags."),
                violation(TAGS, group.urn, "No owner tag."),
                violation(TAGS, null, "The stack has no tagged group."),
            ],
        );
        const printed = new Map(
            // Each message is the policy's description, then the finding.
            run.results.map((r) => [
                r.message.text.split("\n")[1],
                r.partialFingerprints["policyResourceHash/v1"],
            ]),
        );
        assert.deepStrictEqual(
            [...printed.keys()],
            ["Port 22 is open.", "The stack has no tagged group.", "No owner tag.", "No tags."],
        );
        assert.strictEqual(new Set(printed.values()).size, 4, [...printed.values()].join("\n"));
        assert.strictEqual(printed.get("No tags."), `${printed.get("No owner tag.")}:1`);
        const stackLevel = run.results.find((r) =>
            r.message.text.endsWith("\nThe stack has no tagged group."),
        );
        assert.deepStrictEqual(stackLevel?.locations, []);
    });

    it("lists this run's offline notes as tool notifications", () => {
        const run = sarifRun(
            report([group], [pack("alicloud-secure-groups", [TAGS], [])], ["ESC environments x."]),
        );
        assert.deepStrictEqual(
            run.invocations[0].toolExecutionNotifications.map((n) => n.message.text).slice(1),
            ["ESC environments x."],
        );
        assert.ok(PROJECT_DIR.startsWith(OPTIONS.baseDir), "sources lie under the base directory");
    });

    it("the schema check catches a document code scanning would refuse", () => {
        const log = JSON.parse(
            renderSarif(report([group], [pack("alicloud-secure-groups", [TAGS], [])]), OPTIONS),
        );
        log.runs[0].results.push({ ruleId: "x", level: "fatal", message: {} });
        assert.throws(
            () => assertValidSarif(log),
            /not valid SARIF 2\.1\.0:[\s\S]*\/runs\/0\/results\/0\/level/,
        );
    });
});
