import * as assert from "assert";
import * as alicloud from "@pulumi/alicloud";
import { SecureGroup, WebTierGroup } from "../../components";
import {
    find,
    GROUP,
    installMocks,
    resetRegistrations,
    resourceSet,
    RULE,
    ruleView,
    settle,
} from "./harness";

const WEB = "alicloud-secure-groups:index:WebTierGroup";

function publicRule(port: number, nicType: string, securityGroupId: string, cidrIp = "0.0.0.0/0") {
    return {
        type: "ingress",
        ipProtocol: "tcp",
        portRange: `${port}/${port}`,
        policy: "accept",
        priority: 1,
        nicType,
        cidrIp,
        securityGroupId,
    };
}

describe("components/WebTierGroup", () => {
    before(installMocks);
    beforeEach(resetRegistrations);

    it("opens 80 and 443 to the Internet and nothing else by default", async () => {
        const web = new WebTierGroup("web", { vpcId: "vpc-1", tags: { owner: "team-web" } });
        const resources = await settle();
        assert.deepStrictEqual(resourceSet(resources), [
            `${WEB} web`,
            `${GROUP} web`,
            `${RULE} web-allow-http-from-internet`,
            `${RULE} web-allow-https-from-internet`,
            `${RULE} web-drop-baseline`,
        ]);
        assert.deepStrictEqual(
            ruleView(find(resources, RULE, "web-allow-http-from-internet")),
            publicRule(80, "intranet", "web-id"),
        );
        assert.deepStrictEqual(
            ruleView(find(resources, RULE, "web-allow-https-from-internet")),
            publicRule(443, "intranet", "web-id"),
        );
        assert.deepStrictEqual(ruleView(find(resources, RULE, "web-drop-baseline")), {
            type: "ingress",
            ipProtocol: "all",
            portRange: "-1/-1",
            policy: "drop",
            priority: 100,
            nicType: "intranet",
            cidrIp: "0.0.0.0/0",
            securityGroupId: "web-id",
        });
        const group = find(resources, GROUP, "web").inputs;
        assert.deepStrictEqual(group.tags, {
            owner: "team-web",
            "managed-by": "alicloud-secure-groups",
            tier: "web",
        });
        assert.strictEqual(group.innerAccessPolicy, "Drop");
        assert.deepStrictEqual(Object.keys(web.rules).sort(), [
            "web-allow-http-from-internet",
            "web-allow-https-from-internet",
            "web-drop-baseline",
        ]);
    });

    it("uses the internet NIC for the public rules in a classic network", async () => {
        new WebTierGroup("classic-web", { classicNetwork: true, tags: { owner: "team-web" } });
        const resources = await settle();
        assert.deepStrictEqual(resourceSet(resources), [
            `${WEB} classic-web`,
            `${GROUP} classic-web`,
            `${RULE} classic-web-allow-http-from-internet`,
            `${RULE} classic-web-allow-https-from-internet`,
            `${RULE} classic-web-drop-baseline`,
            `${RULE} classic-web-drop-baseline-internet`,
        ]);
        assert.deepStrictEqual(
            ruleView(find(resources, RULE, "classic-web-allow-https-from-internet")),
            publicRule(443, "internet", "classic-web-id"),
        );
        assert.strictEqual(
            find(resources, RULE, "classic-web-drop-baseline-internet").inputs.nicType,
            "internet",
        );
    });

    it("narrows the public ports to the given blocks", async () => {
        new WebTierGroup("partner-web", {
            vpcId: "vpc-1",
            tags: { owner: "team-web" },
            publicPorts: [443],
            publicCidrs: ["203.0.113.0/24", "198.51.100.7/32"],
        });
        const resources = await settle();
        assert.deepStrictEqual(resourceSet(resources), [
            `${WEB} partner-web`,
            `${GROUP} partner-web`,
            `${RULE} partner-web-allow-https-from-198-51-100-7-32`,
            `${RULE} partner-web-allow-https-from-203-0-113-0-24`,
            `${RULE} partner-web-drop-baseline`,
        ]);
        assert.deepStrictEqual(
            ruleView(find(resources, RULE, "partner-web-allow-https-from-203-0-113-0-24")),
            publicRule(443, "intranet", "partner-web-id", "203.0.113.0/24"),
        );
    });

    it("admits administrators by source group only, from components, resources and ids", async () => {
        const bastion = new SecureGroup("bastion", {
            vpcId: "vpc-1",
            tags: { owner: "ops" },
            ingress: { ssh: { preset: "ssh", cidr: "198.51.100.7/32" } },
        });
        const ops = new alicloud.ecs.SecurityGroup("ops", { vpcId: "vpc-1", securityGroupName: "ops" });
        new WebTierGroup("web", {
            vpcId: "vpc-1",
            tags: { owner: "team-web" },
            adminAccess: { from: [bastion, ops, { group: "sg-vpn", ownerId: "1234567890" }] },
        });
        const resources = (await settle()).filter((r) => r.name.startsWith("web"));
        assert.deepStrictEqual(resourceSet(resources), [
            `${WEB} web`,
            `${GROUP} web`,
            `${RULE} web-allow-http-from-internet`,
            `${RULE} web-allow-https-from-internet`,
            `${RULE} web-allow-ssh-from-bastion`,
            `${RULE} web-allow-ssh-from-ops`,
            `${RULE} web-allow-ssh-from-sg-vpn`,
            `${RULE} web-drop-baseline`,
        ]);
        const ssh = (source: string) => ({
            type: "ingress",
            ipProtocol: "tcp",
            portRange: "22/22",
            policy: "accept",
            priority: 1,
            nicType: "intranet",
            sourceSecurityGroupId: source,
            securityGroupId: "web-id",
        });
        assert.deepStrictEqual(
            ruleView(find(resources, RULE, "web-allow-ssh-from-bastion")),
            ssh("bastion-id"),
        );
        assert.deepStrictEqual(ruleView(find(resources, RULE, "web-allow-ssh-from-ops")), ssh("ops-id"));
        assert.deepStrictEqual(ruleView(find(resources, RULE, "web-allow-ssh-from-sg-vpn")), {
            ...ssh("sg-vpn"),
            sourceGroupOwnerId: "1234567890",
        });
    });

    it("opens other services to other groups, with the ports named in the rule", async () => {
        new WebTierGroup("web", {
            vpcId: "vpc-1",
            tags: { owner: "team-web" },
            publicPorts: [443],
            adminAccess: { from: ["sg-bastion"], ports: [22, 2222] },
            serviceAccess: [
                { service: "http", ports: [8080], from: [{ group: "sg-lb", key: "lb" }] },
                { service: "icmp", from: ["sg-monitor"] },
            ],
        });
        const resources = await settle();
        assert.deepStrictEqual(resourceSet(resources), [
            `${WEB} web`,
            `${GROUP} web`,
            `${RULE} web-allow-admin-tcp-2222-from-sg-bastion`,
            `${RULE} web-allow-http-8080-from-lb`,
            `${RULE} web-allow-https-from-internet`,
            `${RULE} web-allow-icmp-from-sg-monitor`,
            `${RULE} web-allow-ssh-from-sg-bastion`,
            `${RULE} web-drop-baseline`,
        ]);
        assert.strictEqual(
            find(resources, RULE, "web-allow-http-8080-from-lb").inputs.portRange,
            "8080/8080",
        );
        assert.strictEqual(
            find(resources, RULE, "web-allow-http-8080-from-lb").inputs.sourceSecurityGroupId,
            "sg-lb",
        );
        assert.strictEqual(
            find(resources, RULE, "web-allow-admin-tcp-2222-from-sg-bastion").inputs.portRange,
            "2222/2222",
        );
        assert.deepStrictEqual(ruleView(find(resources, RULE, "web-allow-icmp-from-sg-monitor")), {
            type: "ingress",
            ipProtocol: "icmp",
            portRange: "-1/-1",
            policy: "accept",
            priority: 1,
            nicType: "intranet",
            sourceSecurityGroupId: "sg-monitor",
            securityGroupId: "web-id",
        });
    });

    it("opens nothing at all with no public ports", async () => {
        new WebTierGroup("internal", { vpcId: "vpc-1", tags: { owner: "team-web" }, publicPorts: [] });
        const resources = await settle();
        assert.deepStrictEqual(resourceSet(resources), [
            `${WEB} internal`,
            `${GROUP} internal`,
            `${RULE} internal-drop-baseline`,
        ]);
    });

    it("keys its rules by the logical names the README shows", async () => {
        const web = new WebTierGroup("web", {
            vpcId: "vpc-1",
            tags: { owner: "team-web" },
            adminAccess: { from: [{ group: "sg-bastion", key: "bastion" }] },
        });
        const resources = await settle();
        const rule = web.rules["web-allow-ssh-from-bastion"];
        assert.ok(rule, Object.keys(web.rules).join(", "));
        assert.strictEqual(
            await new Promise((resolve) => rule.urn.apply(resolve)),
            find(resources, RULE, "web-allow-ssh-from-bastion").urn,
        );
    });

    it("accepts no public block when it opens no public port, as the message about an empty list suggests", async () => {
        assert.throws(
            () => new WebTierGroup("bad", { vpcId: "vpc-1", tags: { owner: "team-web" }, publicCidrs: [] }),
            {
                message:
                    'WebTierGroup "bad": publicCidrs must list at least one CIDR block for the public ports (got []); to open no public port, set publicPorts to []',
            },
        );
        new WebTierGroup("closed", {
            vpcId: "vpc-1",
            tags: { owner: "team-web" },
            publicCidrs: [],
            publicPorts: [],
        });
        const resources = await settle();
        assert.deepStrictEqual(resourceSet(resources), [
            `${WEB} closed`,
            `${GROUP} closed`,
            `${RULE} closed-drop-baseline`,
        ]);
    });
});
