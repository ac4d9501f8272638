import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { RedisGroupFromSource, ServiceGroupFromSource, WebTierGroup } from "../../components";
import {
    find,
    GROUP,
    installMocks,
    Registered,
    resetRegistrations,
    resourceSet,
    RULE,
    ruleView,
    settle,
} from "./harness";

const SERVICE = "alicloud-secure-groups:index:ServiceGroupFromSource";
const REDIS = "alicloud-secure-groups:index:RedisGroupFromSource";

function accept(portRange: string, source: string, group: string, protocol = "tcp") {
    return {
        type: "ingress",
        ipProtocol: protocol,
        portRange,
        policy: "accept",
        priority: 1,
        nicType: "intranet",
        sourceSecurityGroupId: source,
        securityGroupId: group,
    };
}

function serviceDrop(portRange: string, group: string, protocol = "tcp") {
    return {
        type: "ingress",
        ipProtocol: protocol,
        portRange,
        policy: "drop",
        priority: 100,
        nicType: "intranet",
        cidrIp: "0.0.0.0/0",
        securityGroupId: group,
    };
}

const baseline = (group: string) => ({
    type: "ingress",
    ipProtocol: "all",
    portRange: "-1/-1",
    policy: "drop",
    priority: 100,
    nicType: "intranet",
    cidrIp: "0.0.0.0/0",
    securityGroupId: group,
});

/** Rules of one component by suffix, with the component's own name stripped: comparable across names. */
function rulesBySuffix(
    resources: readonly Registered[],
    name: string,
): Record<string, Record<string, unknown>> {
    const rules: Record<string, Record<string, unknown>> = {};
    for (const rule of resources.filter((r) => r.type === RULE && r.name.startsWith(`${name}-`))) {
        const view = ruleView(rule);
        const own = (id: unknown) => (id === `${name}-id` ? "(own group)" : id);
        rules[rule.name.slice(name.length + 1)] = {
            ...view,
            securityGroupId: own(view.securityGroupId),
            sourceSecurityGroupId: own(view.sourceSecurityGroupId),
        };
    }
    return rules;
}

describe("components/ServiceGroupFromSource", () => {
    before(installMocks);
    beforeEach(resetRegistrations);

    it("admits each source on the service port, lets members in on that port only, and drops the rest", async () => {
        const app = new WebTierGroup("app", { vpcId: "vpc-1", tags: { owner: "team-app" } });
        const db = new ServiceGroupFromSource("db", {
            vpcId: "vpc-1",
            tags: { owner: "team-data" },
            service: "mysql",
            sources: [app],
        });
        const resources = (await settle()).filter((r) => r.name.startsWith("db"));
        assert.deepStrictEqual(resourceSet(resources), [
            `${SERVICE} db`,
            `${GROUP} db`,
            `${RULE} db-allow-mysql-from-app`,
            `${RULE} db-allow-mysql-from-members`,
            `${RULE} db-drop-baseline`,
            `${RULE} db-drop-mysql-from-anywhere`,
        ]);
        assert.deepStrictEqual(
            ruleView(find(resources, RULE, "db-allow-mysql-from-app")),
            accept("3306/3306", "app-id", "db-id"),
        );
        assert.deepStrictEqual(
            ruleView(find(resources, RULE, "db-allow-mysql-from-members")),
            accept("3306/3306", "db-id", "db-id"),
        );
        assert.deepStrictEqual(
            ruleView(find(resources, RULE, "db-drop-mysql-from-anywhere")),
            serviceDrop("3306/3306", "db-id"),
        );
        assert.deepStrictEqual(ruleView(find(resources, RULE, "db-drop-baseline")), baseline("db-id"));
        const group = find(resources, GROUP, "db").inputs;
        assert.strictEqual(group.innerAccessPolicy, "Drop", "members never reach each other on every port");
        assert.deepStrictEqual(group.tags, {
            owner: "team-data",
            "managed-by": "alicloud-secure-groups",
            tier: "mysql",
        });
        assert.deepStrictEqual(Object.keys(db.rules).sort(), [
            "db-allow-mysql-from-app",
            "db-allow-mysql-from-members",
            "db-drop-baseline",
            "db-drop-mysql-from-anywhere",
        ]);
    });

    it("isolates members on request, and takes ids, cross-account groups and Output ids with a key", async () => {
        new ServiceGroupFromSource("pg", {
            vpcId: "vpc-1",
            tags: { owner: "team-data" },
            service: "postgresql",
            ports: [5433],
            isolateMembers: true,
            sources: [
                "sg-app",
                { group: "sg-analytics", ownerId: "1234567890123456", key: "analytics" },
                { group: pulumi.output("sg-late"), key: "late" },
            ],
        });
        const resources = await settle();
        assert.deepStrictEqual(resourceSet(resources), [
            `${SERVICE} pg`,
            `${GROUP} pg`,
            `${RULE} pg-allow-postgresql-from-analytics`,
            `${RULE} pg-allow-postgresql-from-late`,
            `${RULE} pg-allow-postgresql-from-sg-app`,
            `${RULE} pg-drop-baseline`,
            `${RULE} pg-drop-postgresql-from-anywhere`,
        ]);
        assert.deepStrictEqual(ruleView(find(resources, RULE, "pg-allow-postgresql-from-analytics")), {
            ...accept("5433/5433", "sg-analytics", "pg-id"),
            sourceGroupOwnerId: "1234567890123456",
        });
        assert.deepStrictEqual(
            ruleView(find(resources, RULE, "pg-allow-postgresql-from-late")),
            accept("5433/5433", "sg-late", "pg-id"),
        );
        assert.deepStrictEqual(
            ruleView(find(resources, RULE, "pg-drop-postgresql-from-anywhere")),
            serviceDrop("5433/5433", "pg-id"),
        );
    });

    it("names one rule per protocol and port for multi-entry presets", async () => {
        new ServiceGroupFromSource("mc", {
            vpcId: "vpc-1",
            tags: { owner: "team" },
            service: "memcached",
            sources: ["sg-app"],
            isolateMembers: true,
        });
        const resources = await settle();
        assert.deepStrictEqual(resourceSet(resources), [
            `${SERVICE} mc`,
            `${GROUP} mc`,
            `${RULE} mc-allow-memcached-tcp-11211-from-sg-app`,
            `${RULE} mc-allow-memcached-udp-11211-from-sg-app`,
            `${RULE} mc-drop-baseline`,
            `${RULE} mc-drop-memcached-tcp-11211-from-anywhere`,
            `${RULE} mc-drop-memcached-udp-11211-from-anywhere`,
        ]);
        assert.deepStrictEqual(
            ruleView(find(resources, RULE, "mc-drop-memcached-udp-11211-from-anywhere")),
            serviceDrop("11211/11211", "mc-id", "udp"),
        );
    });
});

describe("components/RedisGroupFromSource", () => {
    before(installMocks);
    beforeEach(resetRegistrations);

    it("is the redis service group: the same rules as ServiceGroupFromSource with service redis", async () => {
        new RedisGroupFromSource("cache", { vpcId: "vpc-1", tags: { owner: "team" }, sources: ["sg-web"] });
        new ServiceGroupFromSource("svc", {
            vpcId: "vpc-1",
            tags: { owner: "team" },
            service: "redis",
            sources: ["sg-web"],
        });
        const resources = await settle();
        assert.deepStrictEqual(resourceSet(resources.filter((r) => r.name.startsWith("cache"))), [
            `${REDIS} cache`,
            `${GROUP} cache`,
            `${RULE} cache-allow-redis-from-members`,
            `${RULE} cache-allow-redis-from-sg-web`,
            `${RULE} cache-drop-baseline`,
            `${RULE} cache-drop-redis-from-anywhere`,
        ]);
        assert.deepStrictEqual(
            ruleView(find(resources, RULE, "cache-allow-redis-from-sg-web")),
            accept("6379/6379", "sg-web", "cache-id"),
        );
        assert.deepStrictEqual(
            ruleView(find(resources, RULE, "cache-drop-redis-from-anywhere")),
            serviceDrop("6379/6379", "cache-id"),
        );
        assert.deepStrictEqual(rulesBySuffix(resources, "cache"), rulesBySuffix(resources, "svc"));
        assert.strictEqual(find(resources, GROUP, "cache").inputs.innerAccessPolicy, "Drop");
        assert.strictEqual(
            (find(resources, GROUP, "cache").inputs.tags as Record<string, string>).tier,
            "redis",
        );
    });

    it("moves every rule to a custom port", async () => {
        new RedisGroupFromSource("cache", {
            vpcId: "vpc-1",
            tags: { owner: "team" },
            sources: ["sg-web"],
            port: 6380,
            isolateMembers: true,
        });
        const resources = await settle();
        assert.deepStrictEqual(resourceSet(resources), [
            `${REDIS} cache`,
            `${GROUP} cache`,
            `${RULE} cache-allow-redis-from-sg-web`,
            `${RULE} cache-drop-baseline`,
            `${RULE} cache-drop-redis-from-anywhere`,
        ]);
        assert.strictEqual(
            find(resources, RULE, "cache-allow-redis-from-sg-web").inputs.portRange,
            "6380/6380",
        );
        assert.strictEqual(
            find(resources, RULE, "cache-drop-redis-from-anywhere").inputs.portRange,
            "6380/6380",
        );
    });

    it("builds a classic-network group when asked with classicNetwork, its baseline on both NICs", async () => {
        new RedisGroupFromSource("legacy-cache", {
            classicNetwork: true,
            tags: { owner: "team" },
            sources: ["sg-web"],
        });
        const resources = await settle();
        assert.deepStrictEqual(resourceSet(resources), [
            `${REDIS} legacy-cache`,
            `${GROUP} legacy-cache`,
            `${RULE} legacy-cache-allow-redis-from-members`,
            `${RULE} legacy-cache-allow-redis-from-sg-web`,
            `${RULE} legacy-cache-drop-baseline`,
            `${RULE} legacy-cache-drop-baseline-internet`,
            `${RULE} legacy-cache-drop-redis-from-anywhere`,
        ]);
        assert.ok(
            !("vpcId" in find(resources, GROUP, "legacy-cache").inputs),
            "a classic group names no VPC",
        );
        assert.deepStrictEqual(
            ruleView(find(resources, RULE, "legacy-cache-allow-redis-from-sg-web")),
            accept("6379/6379", "sg-web", "legacy-cache-id"),
        );
        assert.strictEqual(
            find(resources, RULE, "legacy-cache-drop-baseline-internet").inputs.nicType,
            "internet",
        );
    });

    it("admits administrators by source group on both service groups, named as on a web tier", async () => {
        const bastion = new WebTierGroup("bastion", {
            vpcId: "vpc-1",
            tags: { owner: "ops" },
            publicPorts: [],
        });
        new ServiceGroupFromSource("db", {
            vpcId: "vpc-1",
            tags: { owner: "team-data" },
            service: "mysql",
            sources: ["sg-app"],
            adminAccess: { from: [bastion], ports: [22, 23, 2222] },
        });
        new RedisGroupFromSource("cache", {
            vpcId: "vpc-1",
            tags: { owner: "team-web" },
            sources: ["sg-web"],
            adminAccess: { from: [{ group: "sg-vpn", key: "vpn" }] },
        });
        const resources = await settle();
        assert.deepStrictEqual(
            resourceSet(resources.filter((r) => r.name.startsWith("db") || r.name.startsWith("cache"))),
            [
                `${REDIS} cache`,
                `${SERVICE} db`,
                `${GROUP} cache`,
                `${GROUP} db`,
                `${RULE} cache-allow-redis-from-members`,
                `${RULE} cache-allow-redis-from-sg-web`,
                `${RULE} cache-allow-ssh-from-vpn`,
                `${RULE} cache-drop-baseline`,
                `${RULE} cache-drop-redis-from-anywhere`,
                `${RULE} db-allow-admin-tcp-2222-from-bastion`,
                `${RULE} db-allow-mysql-from-members`,
                `${RULE} db-allow-mysql-from-sg-app`,
                `${RULE} db-allow-ssh-from-bastion`,
                `${RULE} db-allow-telnet-from-bastion`,
                `${RULE} db-drop-baseline`,
                `${RULE} db-drop-mysql-from-anywhere`,
            ],
        );
        assert.deepStrictEqual(
            ruleView(find(resources, RULE, "db-allow-ssh-from-bastion")),
            accept("22/22", "bastion-id", "db-id"),
        );
        assert.deepStrictEqual(
            ruleView(find(resources, RULE, "db-allow-admin-tcp-2222-from-bastion")),
            accept("2222/2222", "bastion-id", "db-id"),
        );
        assert.deepStrictEqual(
            ruleView(find(resources, RULE, "cache-allow-ssh-from-vpn")),
            accept("22/22", "sg-vpn", "cache-id"),
        );
        assert.strictEqual(
            find(resources, RULE, "db-allow-telnet-from-bastion").inputs.description,
            "Allow Telnet from security group bastion",
        );
    });
});
