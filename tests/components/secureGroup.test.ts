import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { SecureGroup } from "../../components";
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

const SECURE_GROUP = "alicloud-secure-groups:index:SecureGroup";

/** The unhandled rejections raised while `work` runs: how an Output's failed check surfaces in a program. */
async function unhandledRejectionsDuring(work: () => Promise<void>): Promise<unknown[]> {
    const errors: unknown[] = [];
    const previous = process.listeners("unhandledRejection");
    process.removeAllListeners("unhandledRejection");
    const listener = (error: unknown) => errors.push(error);
    process.on("unhandledRejection", listener);
    try {
        await work();
        return errors;
    } finally {
        process.removeListener("unhandledRejection", listener);
        for (const handler of previous) {
            process.on("unhandledRejection", handler as NodeJS.UnhandledRejectionListener);
        }
    }
}

describe("components/SecureGroup", () => {
    before(installMocks);
    beforeEach(resetRegistrations);

    it("creates a VPC group, its keyed rules and the drop baseline, with every setting explicit", async () => {
        const app = new SecureGroup("app", {
            vpcId: "vpc-1",
            tags: { owner: "team-app" },
            ingress: { https: { preset: "https", source: "sg-web" } },
        });
        const resources = await settle();
        assert.deepStrictEqual(resourceSet(resources), [
            `${SECURE_GROUP} app`,
            `${GROUP} app`,
            `${RULE} app-drop-baseline`,
            `${RULE} app-https`,
        ]);
        const group = find(resources, GROUP, "app");
        assert.deepStrictEqual(group.inputs.tags, {
            owner: "team-app",
            "managed-by": "alicloud-secure-groups",
            tier: "custom",
        });
        assert.strictEqual(group.inputs.vpcId, "vpc-1");
        assert.strictEqual(group.inputs.securityGroupType, "normal");
        assert.strictEqual(group.inputs.innerAccessPolicy, "Drop");
        assert.strictEqual(group.inputs.securityGroupName, "app");
        assert.strictEqual(group.inputs.name, undefined, "the deprecated name field is never sent");
        assert.strictEqual(
            group.inputs.innerAccess,
            undefined,
            "the deprecated innerAccess field is never sent",
        );
        assert.ok(typeof group.inputs.description === "string" && group.inputs.description.length > 0);
        assert.deepStrictEqual(ruleView(find(resources, RULE, "app-https")), {
            type: "ingress",
            ipProtocol: "tcp",
            portRange: "443/443",
            policy: "accept",
            priority: 1,
            nicType: "intranet",
            sourceSecurityGroupId: "sg-web",
            securityGroupId: "app-id",
        });
        assert.deepStrictEqual(ruleView(find(resources, RULE, "app-drop-baseline")), {
            type: "ingress",
            ipProtocol: "all",
            portRange: "-1/-1",
            policy: "drop",
            priority: 100,
            nicType: "intranet",
            cidrIp: "0.0.0.0/0",
            securityGroupId: "app-id",
        });
        for (const rule of resources.filter((r) => r.type === RULE)) {
            assert.ok(
                typeof rule.inputs.description === "string" && rule.inputs.description !== "",
                rule.name,
            );
        }
        const componentUrn = find(resources, SECURE_GROUP, "app").urn;
        for (const child of resources.filter((r) => r.type !== SECURE_GROUP)) {
            assert.strictEqual(child.parent, componentUrn, `${child.name} is a child of the component`);
        }
        assert.deepStrictEqual(Object.keys(app.rules).sort(), ["app-drop-baseline", "app-https"]);
        assert.ok(app.securityGroup);
    });

    it("backs a classic-network group on both NIC types, and lets CIDR rules default to internet there", async () => {
        new SecureGroup("classic", {
            classicNetwork: true,
            tags: { owner: "team" },
            ingress: {
                https: { preset: "https", cidr: "0.0.0.0/0" },
                ssh: { preset: "ssh", source: "sg-bastion" },
            },
        });
        const resources = await settle();
        assert.deepStrictEqual(resourceSet(resources), [
            `${SECURE_GROUP} classic`,
            `${GROUP} classic`,
            `${RULE} classic-drop-baseline`,
            `${RULE} classic-drop-baseline-internet`,
            `${RULE} classic-https`,
            `${RULE} classic-ssh`,
        ]);
        assert.strictEqual(find(resources, GROUP, "classic").inputs.vpcId, undefined);
        assert.strictEqual(find(resources, RULE, "classic-https").inputs.nicType, "internet");
        assert.strictEqual(find(resources, RULE, "classic-ssh").inputs.nicType, "intranet");
        assert.deepStrictEqual(ruleView(find(resources, RULE, "classic-drop-baseline-internet")), {
            type: "ingress",
            ipProtocol: "all",
            portRange: "-1/-1",
            policy: "drop",
            priority: 100,
            nicType: "internet",
            cidrIp: "0.0.0.0/0",
            securityGroupId: "classic-id",
        });
    });

    it("sends no innerAccessPolicy for an enterprise group, which is always isolated", async () => {
        const group = new SecureGroup("ent", {
            vpcId: "vpc-1",
            securityGroupType: "enterprise",
            tags: { owner: "team" },
            ingress: { web: { protocol: "tcp", ports: "8000/8100", cidr: "10.1.0.0/16" } },
        });
        const resources = await settle();
        const inputs = find(resources, GROUP, "ent").inputs;
        assert.strictEqual(inputs.securityGroupType, "enterprise");
        assert.strictEqual(inputs.innerAccessPolicy, undefined);
        assert.strictEqual(find(resources, RULE, "ent-web").inputs.portRange, "8000/8100");
        assert.strictEqual(group.securityGroupType, "enterprise");
    });

    it("manages rules on an existing group without creating one", async () => {
        const group = new SecureGroup("legacy", {
            vpcId: "vpc-1",
            existingSecurityGroupId: "sg-existing",
            ingress: { mysql: { preset: "mysql", source: "sg-app" } },
        });
        const resources = await settle();
        assert.deepStrictEqual(resourceSet(resources), [
            `${SECURE_GROUP} legacy`,
            `${RULE} legacy-drop-baseline`,
            `${RULE} legacy-mysql`,
        ]);
        for (const rule of resources.filter((r) => r.type === RULE)) {
            assert.strictEqual(rule.inputs.securityGroupId, "sg-existing");
        }
        assert.strictEqual(group.securityGroup, undefined);
    });

    it("turns the baseline off, or moves it and adds an egress side", async () => {
        new SecureGroup("open", {
            vpcId: "vpc-1",
            tags: { owner: "team" },
            ingress: { https: { preset: "https", source: "sg-web" } },
            dropBaseline: false,
        });
        new SecureGroup("strict", {
            vpcId: "vpc-1",
            tags: { owner: "team" },
            ingress: { https: { preset: "https", source: "sg-web", priority: 50 } },
            egress: { dns: { preset: "dns", cidr: "100.100.2.136/32" } },
            dropBaseline: { priority: 90, egress: true },
        });
        const resources = await settle();
        assert.deepStrictEqual(resourceSet(resources), [
            `${SECURE_GROUP} open`,
            `${SECURE_GROUP} strict`,
            `${GROUP} open`,
            `${GROUP} strict`,
            `${RULE} open-https`,
            `${RULE} strict-dns-tcp-53`,
            `${RULE} strict-dns-udp-53`,
            `${RULE} strict-drop-baseline`,
            `${RULE} strict-drop-baseline-egress`,
            `${RULE} strict-https`,
        ]);
        const egressBaseline = ruleView(find(resources, RULE, "strict-drop-baseline-egress"));
        assert.strictEqual(egressBaseline.type, "egress");
        assert.strictEqual(egressBaseline.priority, 90);
        assert.strictEqual(egressBaseline.policy, "drop");
        assert.strictEqual(find(resources, RULE, "strict-drop-baseline").inputs.priority, 90);
        assert.strictEqual(find(resources, RULE, "strict-https").inputs.priority, 50);
        assert.strictEqual(find(resources, RULE, "strict-dns-udp-53").inputs.type, "egress");
    });

    it("adds an ::/0 drop when IPv6 is allowed, since 0.0.0.0/0 does not cover it", async () => {
        new SecureGroup("v6", {
            vpcId: "vpc-1",
            tags: { owner: "team" },
            ingress: { https: { preset: "https", ipv6Cidr: "2001:db8:1::/48" } },
        });
        const resources = await settle();
        assert.deepStrictEqual(resourceSet(resources), [
            `${SECURE_GROUP} v6`,
            `${GROUP} v6`,
            `${RULE} v6-drop-baseline`,
            `${RULE} v6-drop-baseline-ipv6`,
            `${RULE} v6-https`,
        ]);
        const v6Baseline = ruleView(find(resources, RULE, "v6-drop-baseline-ipv6"));
        assert.strictEqual(v6Baseline.ipv6CidrIp, "::/0");
        assert.strictEqual(v6Baseline.cidrIp, undefined);
        assert.strictEqual(v6Baseline.policy, "drop");
        assert.strictEqual(find(resources, RULE, "v6-https").inputs.ipv6CidrIp, "2001:db8:1::/48");
    });

    it("names one rule per protocol and port of a multi-entry preset or port list", async () => {
        new SecureGroup("win", {
            vpcId: "vpc-1",
            tags: { owner: "team" },
            ingress: {
                rdp: { preset: "rdp", source: "sg-bastion" },
                app: { protocol: "tcp", ports: [8080, "9000/9010"], source: "sg-lb" },
                ping: { protocol: "icmp", source: "sg-lb" },
            },
        });
        const resources = await settle();
        assert.deepStrictEqual(resourceSet(resources), [
            `${SECURE_GROUP} win`,
            `${GROUP} win`,
            `${RULE} win-app-tcp-8080`,
            `${RULE} win-app-tcp-9000-9010`,
            `${RULE} win-drop-baseline`,
            `${RULE} win-ping`,
            `${RULE} win-rdp-tcp-3389`,
            `${RULE} win-rdp-udp-3389`,
        ]);
        assert.strictEqual(find(resources, RULE, "win-rdp-udp-3389").inputs.ipProtocol, "udp");
        assert.strictEqual(find(resources, RULE, "win-app-tcp-9000-9010").inputs.portRange, "9000/9010");
        assert.strictEqual(find(resources, RULE, "win-ping").inputs.portRange, "-1/-1");
    });

    it("sends a cross-account owner as sourceGroupOwnerId, and accepts prefix lists", async () => {
        new SecureGroup("shared", {
            vpcId: "vpc-1",
            tags: { owner: "team" },
            ingress: {
                partner: { preset: "https", source: { group: "sg-partner", ownerId: "1234567890123456" } },
                office: { preset: "ssh", prefixListId: "pl-office" },
            },
        });
        const resources = await settle();
        const partner = ruleView(find(resources, RULE, "shared-partner"));
        assert.strictEqual(partner.sourceSecurityGroupId, "sg-partner");
        assert.strictEqual(partner.sourceGroupOwnerId, "1234567890123456");
        assert.strictEqual(find(resources, RULE, "shared-partner").inputs.sourceGroupOwnerAccount, undefined);
        assert.strictEqual(find(resources, RULE, "shared-office").inputs.prefixListId, "pl-office");
    });

    it("keeps the caller's tier tag and refuses nothing the caller wrote", async () => {
        const tags = { owner: "team", tier: "backend", "managed-by": "alicloud-secure-groups" };
        const args = {
            vpcId: "vpc-1",
            tags,
            ingress: { https: { preset: "https" as const, source: "sg-web" } },
        };
        const copy = JSON.parse(JSON.stringify(args));
        new SecureGroup("tagged", args);
        const resources = await settle();
        assert.deepStrictEqual(find(resources, GROUP, "tagged").inputs.tags, tags);
        assert.deepStrictEqual(JSON.parse(JSON.stringify(args)), copy, "the caller's args are not mutated");
    });

    it("never prints a secret CIDR it refuses: the error says [secret] where the value would be", async () => {
        const errors = await unhandledRejectionsDuring(async () => {
            new SecureGroup("admin", {
                vpcId: "vpc-1",
                tags: { owner: "team" },
                ingress: { ssh: { preset: "ssh", cidr: pulumi.secret("10.99.0.0/8") } },
            });
            await settle();
            await new Promise((resolve) => setTimeout(resolve, 50));
        });
        // The SDK rejects every promise that depended on the rule's input, each with the same error.
        const messages = new Set(errors.map((error) => (error as Error).message));
        assert.deepStrictEqual(
            [...messages].map((message) => message.replace(/^error serializing property "cidrIp": /, "")),
            [
                'SecureGroup "admin": ingress.ssh.cidr admits the broad block [secret] (/8); ' +
                    "name a narrower block, or list it in allowBroadCidrs (and the policy pack's allowedCidrs) to allow it deliberately (got [secret])",
            ],
        );
        for (const error of errors) {
            for (const problem of (error as { problems?: { value: unknown }[] }).problems ?? []) {
                assert.strictEqual(problem.value, "[secret]");
            }
        }
    });

    it("checks a CIDR given as an Output when it resolves, and never creates that rule if it is too broad", async () => {
        let resources: Awaited<ReturnType<typeof settle>> = [];
        const errors = await unhandledRejectionsDuring(async () => {
            new SecureGroup("late", {
                vpcId: "vpc-1",
                tags: { owner: "team" },
                ingress: {
                    ok: { preset: "ssh", cidr: pulumi.output("10.1.2.0/24") },
                    broad: { preset: "ssh", cidr: pulumi.output("10.0.0.0/8") },
                },
            });
            resources = await settle();
            await new Promise((resolve) => setTimeout(resolve, 50));
        });
        assert.deepStrictEqual(resourceSet(resources), [
            `${SECURE_GROUP} late`,
            `${GROUP} late`,
            `${RULE} late-drop-baseline`,
            `${RULE} late-ok`,
        ]);
        assert.strictEqual(find(resources, RULE, "late-ok").inputs.cidrIp, "10.1.2.0/24");
        assert.ok(errors.length > 0, "the broad CIDR fails the program");
        const message = String(errors[0]);
        assert.ok(message.includes("ingress.broad.cidr") && message.includes('"10.0.0.0/8"'), message);
    });
});
