import * as assert from "node:assert/strict";
import { group, GROUP, INSTANCE, RULE, urn } from "./stackFixtures";
import { unknownCheckingProxy, unknownStringValue } from "./policyProxy";
import { accessByPeer } from "../../core/effective";
import { evaluateAttachment, evaluateGroup, joinStack, StackResourceInput } from "../../core/stack";

function rule(
    name: string,
    groupName: string,
    props: Record<string, unknown>,
    deps: Record<string, string[]> = {},
) {
    return {
        urn: urn(RULE, name),
        type: RULE,
        name,
        props: unknownCheckingProxy({
            type: "ingress",
            ipProtocol: "tcp",
            portRange: "22/22",
            policy: "accept",
            priority: 1,
            nicType: "intranet",
            securityGroupId: unknownStringValue,
            ...props,
        }),
        propertyDependencies: { securityGroupId: [urn(GROUP, groupName)], ...deps },
    } satisfies StackResourceInput;
}

describe("core/stack", () => {
    it("joins rules to groups through propertyDependencies while ids are unknown", () => {
        const model = joinStack([
            group("web"),
            group("bastion"),
            rule(
                "ssh",
                "web",
                { sourceSecurityGroupId: unknownStringValue },
                { sourceSecurityGroupId: [urn(GROUP, "bastion")] },
            ),
        ]);
        const [web, bastion] = model.groups;
        assert.deepEqual(
            web.rules.map((r) => r.name),
            ["ssh"],
        );
        assert.deepEqual(
            bastion.referencedBy.map((r) => r.name),
            ["ssh"],
        );
        assert.deepEqual(model.rules[0].rule?.peer, { kind: "group", groupId: bastion.urn });
        const edges = accessByPeer(evaluateGroup(web, { direction: "ingress", nicType: "intranet" }));
        assert.deepEqual(edges, [
            {
                peer: { kind: "group", groupId: bastion.urn },
                access: [{ protocol: "tcp", ports: [{ from: 22, to: 22 }] }],
                innerAccess: false,
            },
        ]);
    });

    it("falls back to id equality, accepting PolicyResource-style dependencies", () => {
        const web = { ...group("web", {}), id: "sg-web" };
        const model = joinStack([
            web,
            {
                urn: urn(RULE, "http"),
                type: RULE,
                props: {
                    type: "ingress",
                    ipProtocol: "tcp",
                    portRange: "80/80",
                    cidrIp: "0.0.0.0/0",
                    securityGroupId: "sg-web",
                },
                propertyDependencies: { securityGroupId: [{ urn: "urn:other" }] },
            },
            {
                urn: urn(RULE, "elsewhere"),
                type: RULE,
                props: {
                    type: "ingress",
                    ipProtocol: "tcp",
                    portRange: "80/80",
                    cidrIp: "0.0.0.0/0",
                    securityGroupId: "sg-foreign",
                },
            },
        ]);
        assert.equal(model.groups[0].rules.length, 1);
        assert.equal(model.groups[0].rules[0].name, "http");
        assert.deepEqual(model.rules[1].group, { kind: "external", id: "sg-foreign" });
    });

    it("joins members per attachment, pools their groups and honours inner access", () => {
        const model = joinStack([
            group("web"),
            group("app", { innerAccessPolicy: "Accept" }),
            rule("http", "web", { portRange: "80/80", cidrIp: "0.0.0.0/0" }),
            {
                urn: urn(INSTANCE, "vm"),
                type: INSTANCE,
                props: unknownCheckingProxy({
                    securityGroups: [unknownStringValue, unknownStringValue, "sg-outside"],
                }),
                propertyDependencies: { securityGroups: [urn(GROUP, "web"), urn(GROUP, "app")] },
            },
        ]);
        const [attachment] = model.members[0].attachments;
        assert.deepEqual(
            attachment.groups.map((ref) => (ref.kind === "stack" ? ref.group.name : ref.id)),
            ["web", "app", "sg-outside"],
        );
        assert.equal(attachment.unknownCount, 0, "three entries: two explained by dependencies, one outside");
        assert.deepEqual(
            model.groups.map((g) => g.attachments.length),
            [1, 1],
        );
        const evaluation = evaluateAttachment(attachment, { direction: "ingress", nicType: "intranet" });
        assert.equal(evaluation.complete, true);
        assert.equal(evaluation.externalGroups, 1);
        assert.deepEqual(
            accessByPeer(evaluation).map((edge) => [
                edge.peer.kind,
                edge.access.map((a) => a.protocol),
                edge.innerAccess,
            ]),
            [
                ["addresses", ["tcp"], false],
                ["group", ["all"], true],
            ],
        );
    });

    it("treats a source group with a foreign owner as external and reads the deprecated owner field", () => {
        const model = joinStack([
            group("web"),
            rule("partner", "web", { sourceSecurityGroupId: "sg-partner", sourceGroupOwnerAccount: "9999" }),
        ]);
        assert.deepEqual(model.rules[0].source, { kind: "external", id: "sg-partner", ownerId: "9999" });
        assert.deepEqual(model.rules[0].rule?.peer, {
            kind: "group",
            groupId: "sg-partner",
            ownerId: "9999",
        });
    });

    it("leaves a rule whose source is unknown and undetermined out of evaluation, marking it incomplete", () => {
        const model = joinStack([
            group("web"),
            rule("mystery", "web", { sourceSecurityGroupId: unknownStringValue }),
        ]);
        assert.deepEqual(model.rules[0].source, { kind: "unknown" });
        assert.equal(model.rules[0].rule, undefined);
        assert.equal(
            evaluateGroup(model.groups[0], { direction: "ingress", nicType: "intranet" }).complete,
            false,
        );
    });

    it("never throws on junk resources", () => {
        const junk = [
            null,
            undefined,
            {},
            { type: GROUP },
            { urn: 5, type: RULE, props: 7 },
            { urn: "u", type: INSTANCE, props: null },
        ];
        assert.doesNotThrow(() => joinStack(junk as unknown as StackResourceInput[]));
    });
});
