import * as assert from "node:assert/strict";
import {
    unknownCheckingProxy,
    unknownArrayValue,
    unknownNumberValue,
    unknownStringValue,
} from "./policyProxy";
import { Secret } from "@pulumi/policy";
import { readAttachments } from "../../core/members/read";
import {
    isUnknown,
    readGroup,
    readRule,
    ruleFromReading,
    toPlain,
    UNKNOWN,
    unreadRulesReason,
} from "../../core/read";
import { SECRET_SIG, SIG_KEY } from "../../core/wire";

const sdkUnknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

describe("core/read", () => {
    it("recognises every unknown spelling and nothing else", () => {
        assert.equal(isUnknown(UNKNOWN), true);
        assert.equal(isUnknown(sdkUnknown), true);
        assert.equal(isUnknown(unknownNumberValue), true);
        assert.equal(isUnknown(unknownArrayValue), true);
        assert.equal(isUnknown("sg-123"), false);
        assert.equal(isUnknown(undefined), false);
        assert.equal(isUnknown({}), false);
    });

    it("tells the rule audit stands in for unread rules by its description and its unknown fields only", () => {
        const standIn = {
            securityGroupId: "sg-1",
            type: "ingress",
            ipProtocol: sdkUnknown,
            portRange: sdkUnknown,
            policy: sdkUnknown,
            priority: sdkUnknown,
            nicType: "intranet",
            cidrIp: sdkUnknown,
            description:
                "alicloud-sg: rules not read: no ecs DescribeSecurityGroupAttribute response for them",
        };
        assert.equal(
            unreadRulesReason(readRule(standIn)),
            "no ecs DescribeSecurityGroupAttribute response for them",
        );
        // A rule someone wrote with that description is still judged, and named, as the rule it is.
        assert.equal(unreadRulesReason(readRule({ ...standIn, cidrIp: "0.0.0.0/0" })), undefined);
        assert.equal(unreadRulesReason(readRule({ ...standIn, priority: 1 })), undefined);
        assert.equal(unreadRulesReason(readRule({ ...standIn, description: "rules not read" })), undefined);
        assert.equal(unreadRulesReason(readRule({ ...standIn, description: sdkUnknown })), undefined);
    });

    it("reads a rule behind @pulumi/policy's proxy without throwing on unknowns", () => {
        const props = unknownCheckingProxy({
            type: "ingress",
            ipProtocol: "tcp",
            portRange: "22/22",
            policy: "accept",
            priority: unknownNumberValue,
            nicType: "intranet",
            securityGroupId: unknownStringValue,
            cidrIp: "0.0.0.0/0",
        });
        assert.throws(() => (props as Record<string, unknown>).priority);
        const reading = readRule(props);
        assert.equal(reading.priority, UNKNOWN);
        assert.equal(reading.securityGroupId, UNKNOWN);
        assert.deepEqual(reading.ports, { from: 22, to: 22 });
        assert.deepEqual(reading.peer, { field: "cidrIp", value: "0.0.0.0/0" });
        assert.equal(ruleFromReading(reading, true), undefined, "an unknown priority decides matching order");
    });

    it("fills in the provider's unsafe defaults and the API's NIC type", () => {
        const reading = readRule({
            type: "ingress",
            ipProtocol: "TCP",
            portRange: "80/80",
            cidrIp: "1.2.3.4/32",
        });
        assert.deepEqual(ruleFromReading(reading, false), {
            direction: "ingress",
            protocol: "tcp",
            ports: { from: 80, to: 80 },
            peer: { kind: "cidr", cidr: "1.2.3.4/32" },
            policy: "accept",
            priority: 1,
            nicType: "internet",
        });
        assert.equal(ruleFromReading(reading, true)?.nicType, "intranet");
    });

    it("reads through wrapped secrets, on the wire and as @pulumi/policy's Secret", () => {
        const reading = readRule({
            type: "ingress",
            ipProtocol: "tcp",
            portRange: { [SIG_KEY]: SECRET_SIG, value: "22/22" },
            cidrIp: new Secret("10.0.0.0/8"),
            sourceGroupOwnerAccount: "1234",
        });
        assert.deepEqual(reading.ports, { from: 22, to: 22 });
        assert.deepEqual(reading.peer, { field: "cidrIp", value: "10.0.0.0/8" });
        assert.equal(reading.sourceGroupOwner, "1234");
    });

    it("keeps every peer field present so that two peers can be reported", () => {
        const reading = readRule({ cidrIp: "1.2.3.4/32", sourceSecurityGroupId: sdkUnknown });
        assert.deepEqual(reading.peerFields, ["cidrIp", "sourceSecurityGroupId"]);
        assert.equal(reading.peer, undefined);
    });

    it("prefers sourceGroupOwnerId over the deprecated sourceGroupOwnerAccount", () => {
        const reading = readRule({
            sourceSecurityGroupId: "sg-1",
            sourceGroupOwnerId: "111",
            sourceGroupOwnerAccount: "222",
        });
        assert.equal(reading.sourceGroupOwner, "111");
    });

    it("never throws on odd shapes", () => {
        for (const props of [
            undefined,
            null,
            42,
            "x",
            [],
            { type: 5, portRange: [], priority: {} },
            unknownCheckingProxy({ tags: unknownStringValue }),
        ]) {
            assert.doesNotThrow(() => readRule(props));
            assert.doesNotThrow(() => readGroup(props));
            assert.doesNotThrow(() => readAttachments("alicloud:ecs/instance:Instance", props));
        }
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        assert.doesNotThrow(() => toPlain(cyclic));
    });

    it("reads a group's network, tags and inner access", () => {
        const group = readGroup(
            unknownCheckingProxy({
                vpcId: unknownStringValue,
                tags: { team: "web", owner: unknownStringValue },
            }),
        );
        assert.equal(group.vpc, true);
        assert.deepEqual(group.tags, { team: "web", owner: UNKNOWN });
        assert.equal(group.innerAccept, true, "a normal group accepts its members by default");
        assert.equal(readGroup({ innerAccessPolicy: "Drop" }).innerAccept, false);
        assert.equal(readGroup({ innerAccess: false }).innerAccept, false);
        assert.equal(readGroup({ securityGroupType: "enterprise" }).innerAccept, false);
        assert.equal(readGroup({ name: "legacy" }).name, "legacy");
        assert.equal(readGroup({}).vpc, false);
    });

    it("reads member attachments of every joining resource type", () => {
        assert.deepEqual(
            readAttachments(
                "alicloud:ecs/instance:Instance",
                unknownCheckingProxy({
                    securityGroups: ["sg-1", unknownStringValue],
                    networkInterfaces: { securityGroupIds: ["sg-2"] },
                }),
            ),
            [
                {
                    fields: ["securityGroups"],
                    dependencyKeys: ["securityGroups"],
                    groupIds: ["sg-1", UNKNOWN],
                },
                {
                    fields: ["networkInterfaces.securityGroupIds"],
                    dependencyKeys: ["networkInterfaces"],
                    groupIds: ["sg-2"],
                },
            ],
        );
        assert.deepEqual(
            readAttachments("alicloud:ess/scalingConfiguration:ScalingConfiguration", {
                securityGroupId: "sg-1",
                securityGroupIds: unknownArrayValue,
            }),
            [
                {
                    fields: ["securityGroupId", "securityGroupIds"],
                    dependencyKeys: ["securityGroupId", "securityGroupIds"],
                    groupIds: ["sg-1", UNKNOWN],
                },
            ],
        );
        assert.deepEqual(
            readAttachments("alicloud:ecs/ecsNetworkInterface:EcsNetworkInterface", {
                securityGroupIds: ["a", "b"],
            }),
            [{ fields: ["securityGroupIds"], dependencyKeys: ["securityGroupIds"], groupIds: ["a", "b"] }],
        );
        assert.deepEqual(
            readAttachments("alicloud:ecs/securityGroup:SecurityGroup", { securityGroupIds: ["a"] }),
            [],
        );
    });
});
