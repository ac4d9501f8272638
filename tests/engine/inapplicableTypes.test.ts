import * as assert from "assert";
import * as path from "path";
import { PolicyPackProcess } from "../../engine/policyPack";
import { loadProject } from "../../engine/project";
import { runPacks } from "../../engine/runPacks";
import type { RecordedResource } from "../../engine/types";
import { rule } from "../policies/fixtures";
import { recordedResource } from "./recorded";

const ROOT = path.resolve(__dirname, "..", "..");
const STACK = "urn:pulumi:dev::violations";
const GROUP = "alicloud:ecs/securityGroup:SecurityGroup";
const RULE = "alicloud:ecs/securityGroupRule:SecurityGroupRule";
const INSTANCE = "alicloud:ecs/instance:Instance";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A preview's resources: a group open on SSH to the Internet, and three instances in it. */
function stack(): RecordedResource[] {
    const group = recordedResource({
        urn: `${STACK}::${GROUP}::web`,
        type: GROUP,
        name: "web",
        inputs: { vpcId: "vpc-bp1example", securityGroupName: "web", description: "web tier" },
    });
    const ssh = recordedResource({
        urn: `${STACK}::${RULE}::web-ssh`,
        type: RULE,
        name: "web-ssh",
        inputs: rule("web-ssh", "web", { cidrIp: "0.0.0.0/0" }).props,
        dependencies: [group.urn],
        propertyDependencies: { securityGroupId: [group.urn] },
    });
    const instances = ["web-0", "web-1", "web-2"].map((name) =>
        recordedResource({
            urn: `${STACK}::${INSTANCE}::${name}`,
            type: INSTANCE,
            name,
            inputs: { instanceType: "ecs.g7.large", vswitchId: "vsw-bp1example", securityGroups: [UNKNOWN] },
            dependencies: [group.urn],
            propertyDependencies: { securityGroups: [group.urn] },
        }),
    );
    return [group, ssh, ...instances];
}

/** Runs a preview of {@link stack} with one request in flight, counting the `Analyze` calls per type. */
async function previewCountingAnalyze(pack: string) {
    const sent = new Map<string, number>();
    const analyze = PolicyPackProcess.prototype.analyze;
    PolicyPackProcess.prototype.analyze = function (resource, request) {
        sent.set(resource.type, (sent.get(resource.type) ?? 0) + 1);
        return analyze.call(this, resource, request);
    };
    try {
        const project = loadProject(path.join(ROOT, "tests", "fixtures", "programs", "violations"), {
            stack: "dev",
        });
        const outcome = await runPacks(project, stack(), { packs: [pack], concurrency: 1 });
        return { sent, violations: outcome.packs[0].violations.map((v) => `${v.policyName} ${v.urn}`) };
    } finally {
        PolicyPackProcess.prototype.analyze = analyze;
    }
}

describe("engine/runPacks: a type no resource policy of a pack looks at", function () {
    this.timeout(180_000);

    it("is sent to the pack until the pack has said so, in a preview as in an audit", async () => {
        const { sent, violations } = await previewCountingAnalyze(path.join(ROOT, "policies"));
        // Every resource policy of our pack is typed to groups or rules: the first instance's answer says so.
        assert.deepStrictEqual(Object.fromEntries(sent), { [GROUP]: 1, [RULE]: 1, [INSTANCE]: 1 });
        assert.ok(
            violations.includes(`disallow-public-risky-ports ${STACK}::${RULE}::web-ssh`),
            violations.join("\n"),
        );
    });

    it("is sent every time to a pack whose resource policies look at every type", async () => {
        const { sent } = await previewCountingAnalyze(path.join(ROOT, "tests", "fixtures", "packs", "basic"));
        assert.deepStrictEqual(Object.fromEntries(sent), { [GROUP]: 1, [RULE]: 1, [INSTANCE]: 3 });
    });
});
