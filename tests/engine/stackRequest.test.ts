import * as assert from "assert";
import { encodeAnalyzeRequest, encodeStackResource, stackResourceFrom } from "../../engine/analyzerEncoding";
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

    it("builds a resource's entry from its Analyze request, byte for byte the AnalyzerResource protobuf writes", () => {
        const { analyzerPb, jspb } = loadSdk();
        const ruleProps = {
            securityGroupId: UNKNOWN,
            portRange: "443/443",
            priority: 10,
            tags: { team: "web", "cost-center": "42" },
            password: {
                "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                value: "s3cret",
            },
        };
        const withDependencies = resource({
            ...rule,
            propertyDependencies: {
                sourceSecurityGroupId: [`${STACK}::alicloud:ecs/securityGroup:SecurityGroup::bastion`],
                securityGroupId: [`${STACK}::alicloud:ecs/securityGroup:SecurityGroup::web-group`],
                description: [],
            },
        });
        for (const [subject, props] of [
            [withDependencies, ruleProps],
            [component, component.outputs],
            [provider, provider.inputs],
        ] as const) {
            const request = encodeAnalyzeRequest(subject, props, byUrn);
            const entry = stackResourceFrom(subject, request);
            // What serializing the whole AnalyzerResource message writes, read back from the entry itself.
            const [decoded] = analyzerPb.AnalyzeStackRequest.deserializeBinary(entry).getResourcesList();
            const writer = new jspb.BinaryWriter();
            writer.writeMessage(1, decoded, analyzerPb.AnalyzerResource.serializeBinaryToWriter);
            assert.deepStrictEqual(Buffer.from(entry), Buffer.from(writer.getResultBuffer()), subject.name);
            // The request the packs were sent is the entry's first fields.
            const sent = analyzerPb.AnalyzeRequest.deserializeBinary(request);
            assert.deepStrictEqual(
                [sent.getUrn(), sent.getType(), sent.getName(), sent.getProperties()?.toJavaScript()],
                [
                    decoded.getUrn(),
                    decoded.getType(),
                    decoded.getName(),
                    decoded.getProperties()?.toJavaScript(),
                ],
            );
        }
        const [decoded] = analyzerPb.AnalyzeStackRequest.deserializeBinary(
            stackResourceFrom(withDependencies, encodeAnalyzeRequest(withDependencies, ruleProps, byUrn)),
        ).getResourcesList();
        assert.deepStrictEqual(
            [...decoded.getPropertydependenciesMap().entries()].map(([key, deps]) => [
                key,
                deps.getUrnsList(),
            ]),
            [
                ["description", []],
                ["securityGroupId", [`${STACK}::alicloud:ecs/securityGroup:SecurityGroup::web-group`]],
                ["sourceSecurityGroupId", [`${STACK}::alicloud:ecs/securityGroup:SecurityGroup::bastion`]],
            ],
        );
        assert.deepStrictEqual(decoded.getProperties()?.toJavaScript(), ruleProps);
        assert.strictEqual(decoded.getParent(), component.urn);
    });
});
