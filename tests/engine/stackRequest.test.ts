import * as assert from "assert";
import { encodeStackResource } from "../../engine/analyzerEncoding";
import { loadSdk } from "../../engine/sdk";
import type { RecordedResource } from "../../engine/types";
import { recordedResource } from "./recorded";

const OPTIONS = {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    additionalSecretOutputs: ["password"],
    customTimeouts: { create: "", update: "", delete: "" },
};
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const STACK = "urn:pulumi:dev::p";

function resource(fields: Partial<RecordedResource> & Pick<RecordedResource, "urn" | "type" | "name">) {
    return recordedResource({ options: OPTIONS, ...fields });
}

describe("engine/policyPack: the AnalyzeStack request, encoded resource by resource", () => {
    const provider = resource({
        urn: `${STACK}::pulumi:providers:alicloud::hangzhou`,
        type: "pulumi:providers:alicloud",
        name: "hangzhou",
        inputs: { region: "cn-hangzhou" },
    });
    const component = resource({
        urn: `${STACK}::alicloud-secure-groups:index:SecureGroup::web`,
        type: "alicloud-secure-groups:index:SecureGroup",
        name: "web",
        custom: false,
        outputs: { groupName: "web" },
    });
    const rule = resource({
        urn: `${STACK}::alicloud-secure-groups:index:SecureGroup$alicloud:ecs/securityGroupRule:SecurityGroupRule::web-https`,
        type: "alicloud:ecs/securityGroupRule:SecurityGroupRule",
        name: "web-https",
        parent: component.urn,
        dependencies: [`${STACK}::alicloud:ecs/securityGroup:SecurityGroup::web-group`],
        propertyDependencies: {
            securityGroupId: [`${STACK}::alicloud:ecs/securityGroup:SecurityGroup::web-group`],
        },
        provider: `${STACK}::pulumi:providers:alicloud::hangzhou::${UNKNOWN}`,
    });
    const byUrn = new Map([provider, component, rule].map((r) => [r.urn, r]));

    it("joins encoded resources into the request that lists them, in order, with everything a policy reads", () => {
        const { analyzerPb } = loadSdk();
        const ruleProps = { securityGroupId: UNKNOWN, portRange: "443/443", priority: 10 };
        const bytes = Buffer.concat([
            encodeStackResource(component, component.outputs, byUrn),
            encodeStackResource(rule, ruleProps, byUrn),
        ]);
        const request = analyzerPb.AnalyzeStackRequest.deserializeBinary(bytes);
        const [first, second] = request.getResourcesList();
        assert.strictEqual(request.getResourcesList().length, 2);

        assert.deepStrictEqual(
            [first.getUrn(), first.getType(), first.getName(), first.getParent()],
            [component.urn, component.type, "web", ""],
        );
        assert.deepStrictEqual(first.getProperties()?.toJavaScript(), { groupName: "web" });

        assert.deepStrictEqual(
            [second.getUrn(), second.getType(), second.getName(), second.getParent()],
            [rule.urn, rule.type, "web-https", component.urn],
        );
        assert.deepStrictEqual(second.getProperties()?.toJavaScript(), ruleProps);
        assert.deepStrictEqual(second.getDependenciesList(), rule.dependencies);
        assert.deepStrictEqual(
            second.getPropertydependenciesMap().get("securityGroupId")?.getUrnsList(),
            rule.propertyDependencies.securityGroupId,
        );
        assert.deepStrictEqual(second.getOptions()?.getAdditionalsecretoutputsList(), ["password"]);
        assert.deepStrictEqual(
            [second.getProvider()?.getUrn(), second.getProvider()?.getProperties()?.toJavaScript()],
            [provider.urn, { region: "cn-hangzhou" }],
        );
    });
});
