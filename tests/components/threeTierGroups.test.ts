import * as assert from "assert";
import { ThreeTierGroups, ThreeTierGroupsArgs, ValidationError } from "../../components";
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

const THREE_TIER = "alicloud-secure-groups:index:ThreeTierGroups";
const WEB_TIER = "alicloud-secure-groups:index:WebTierGroup";
const SECURE_GROUP = "alicloud-secure-groups:index:SecureGroup";

const fromGroup = (source: string, group: string, port: string) => ({
    type: "ingress",
    ipProtocol: "tcp",
    portRange: port,
    policy: "accept",
    priority: 1,
    nicType: "intranet",
    sourceSecurityGroupId: source,
    securityGroupId: group,
});

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

describe("components/ThreeTierGroups", () => {
    before(installMocks);
    beforeEach(resetRegistrations);

    it("wires web, app and data by source group from the description, each tier closed otherwise", async () => {
        const tiers = new ThreeTierGroups("shop", {
            vpcId: "vpc-1",
            tags: { owner: "team-shop" },
            app: { serves: { http: { to: ["web"], ports: [8080] } } },
            data: { serves: { mysql: ["app"], redis: ["app", "web"] } },
            admin: { from: ["sg-bastion"] },
        });
        const resources = await settle();
        assert.deepStrictEqual(resourceSet(resources), [
            `${SECURE_GROUP} shop-app`,
            `${SECURE_GROUP} shop-data`,
            `${THREE_TIER} shop`,
            `${WEB_TIER} shop-web`,
            `${GROUP} shop-app`,
            `${GROUP} shop-data`,
            `${GROUP} shop-web`,
            `${RULE} shop-app-allow-http-from-web`,
            `${RULE} shop-app-allow-ssh-from-sg-bastion`,
            `${RULE} shop-app-drop-baseline`,
            `${RULE} shop-data-allow-mysql-from-app`,
            `${RULE} shop-data-allow-redis-from-app`,
            `${RULE} shop-data-allow-redis-from-web`,
            `${RULE} shop-data-allow-ssh-from-sg-bastion`,
            `${RULE} shop-data-drop-baseline`,
            `${RULE} shop-web-allow-http-from-internet`,
            `${RULE} shop-web-allow-https-from-internet`,
            `${RULE} shop-web-allow-ssh-from-sg-bastion`,
            `${RULE} shop-web-drop-baseline`,
        ]);
        const rule = (name: string) => ruleView(find(resources, RULE, name));
        assert.deepStrictEqual(
            rule("shop-app-allow-http-from-web"),
            fromGroup("shop-web-id", "shop-app-id", "8080/8080"),
        );
        assert.deepStrictEqual(
            rule("shop-data-allow-mysql-from-app"),
            fromGroup("shop-app-id", "shop-data-id", "3306/3306"),
        );
        assert.deepStrictEqual(
            rule("shop-data-allow-redis-from-app"),
            fromGroup("shop-app-id", "shop-data-id", "6379/6379"),
        );
        assert.deepStrictEqual(
            rule("shop-data-allow-redis-from-web"),
            fromGroup("shop-web-id", "shop-data-id", "6379/6379"),
        );
        for (const tier of ["web", "app", "data"]) {
            assert.deepStrictEqual(
                rule(`shop-${tier}-allow-ssh-from-sg-bastion`),
                fromGroup("sg-bastion", `shop-${tier}-id`, "22/22"),
            );
            assert.deepStrictEqual(rule(`shop-${tier}-drop-baseline`), baseline(`shop-${tier}-id`));
            const group = find(resources, GROUP, `shop-${tier}`);
            assert.strictEqual(group.inputs.vpcId, "vpc-1");
            assert.strictEqual(group.inputs.innerAccessPolicy, "Drop");
            assert.deepStrictEqual(group.inputs.tags, {
                owner: "team-shop",
                "managed-by": "alicloud-secure-groups",
                tier,
            });
            assert.strictEqual(
                find(resources, GROUP, `shop-${tier}`).parent,
                find(resources, tier === "web" ? WEB_TIER : SECURE_GROUP, `shop-${tier}`).urn,
            );
        }
        for (const port of ["80/80", "443/443"]) {
            const name =
                port === "80/80" ? "shop-web-allow-http-from-internet" : "shop-web-allow-https-from-internet";
            assert.deepStrictEqual(rule(name), {
                type: "ingress",
                ipProtocol: "tcp",
                portRange: port,
                policy: "accept",
                priority: 1,
                nicType: "intranet",
                cidrIp: "0.0.0.0/0",
                securityGroupId: "shop-web-id",
            });
        }
        const shop = find(resources, THREE_TIER, "shop");
        for (const tier of [WEB_TIER, SECURE_GROUP]) {
            for (const child of resources.filter((r) => r.type === tier)) {
                assert.strictEqual(child.parent, shop.urn, `${child.name} is a child of the ThreeTierGroups`);
            }
        }
        const ids = await new Promise((resolve) => tiers.securityGroupIds.apply(resolve));
        assert.deepStrictEqual(ids, { web: "shop-web-id", app: "shop-app-id", data: "shop-data-id" });
    });

    it("opens only the web tier's public ports when nothing is served, and admits admins on chosen tiers and ports", async () => {
        new ThreeTierGroups("min", {
            vpcId: "vpc-1",
            tags: { owner: "team-min" },
            web: { publicPorts: [443], publicCidrs: ["203.0.113.0/24"] },
            admin: { from: [{ group: "sg-vpn", key: "vpn" }], ports: [2222], tiers: ["app"] },
        });
        const resources = await settle();
        assert.deepStrictEqual(resourceSet(resources), [
            `${SECURE_GROUP} min-app`,
            `${SECURE_GROUP} min-data`,
            `${THREE_TIER} min`,
            `${WEB_TIER} min-web`,
            `${GROUP} min-app`,
            `${GROUP} min-data`,
            `${GROUP} min-web`,
            `${RULE} min-app-allow-admin-tcp-2222-from-vpn`,
            `${RULE} min-app-drop-baseline`,
            `${RULE} min-data-drop-baseline`,
            `${RULE} min-web-allow-https-from-203-0-113-0-24`,
            `${RULE} min-web-drop-baseline`,
        ]);
        assert.deepStrictEqual(
            ruleView(find(resources, RULE, "min-app-allow-admin-tcp-2222-from-vpn")),
            fromGroup("sg-vpn", "min-app-id", "2222/2222"),
        );
        assert.strictEqual(
            find(resources, RULE, "min-web-allow-https-from-203-0-113-0-24").inputs.cidrIp,
            "203.0.113.0/24",
        );
    });

    const bad: [string, Partial<ThreeTierGroupsArgs> & Record<string, unknown>, string][] = [
        [
            "a misspelt tier",
            { datta: {} },
            "datta is not a setting; expected one of vpcId, classicNetwork, tags, web, app, data, admin (got {})",
        ],
        [
            "a misspelt preset",
            { data: { serves: { mysq: ["app"] } as never } },
            "data.serves must be keyed by preset names",
        ],
        [
            "a tier serving itself",
            { data: { serves: { mysql: ["data"] } } },
            'data.serves.mysql[0] must be a tier in front of data: web, app (got "data")',
        ],
        [
            "a tier serving the tier behind it",
            { app: { serves: { http: ["data" as never] } } },
            'app.serves.http[0] must be a tier in front of app: web (got "data")',
        ],
        [
            "a service served to nobody",
            { data: { serves: { mysql: [] } } },
            "data.serves.mysql must list at least one tier of web, app (got [])",
        ],
        [
            "a tier listed twice",
            { data: { serves: { mysql: ["app", "app"] } } },
            'data.serves.mysql[1] repeats data.serves.mysql[0] (got "app")',
        ],
        [
            "a port out of range",
            { app: { serves: { http: { to: ["web"], ports: [70000] } } } },
            "app.serves.http.ports",
        ],
        [
            "a reversed port range",
            { app: { serves: { http: { to: ["web"], ports: ["90/80"] } } } },
            'app.serves.http.ports must have start <= end (got "90/80")',
        ],
        [
            "serving on the web tier",
            { web: { serves: {} } as never },
            "web.serves is not a setting; expected one of publicPorts, publicCidrs, allowBroadCidrs (got {})",
        ],
        ["a broad public block in a VPC", { web: { publicCidrs: ["10.0.0.0/8"] } }, "web.publicCidrs[0]"],
        [
            "a malformed public block",
            { web: { publicCidrs: ["nope"] } },
            'web.publicCidrs[0] must be a CIDR block such as "192.168.1.0/24" (got "nope")',
        ],
        [
            "a bad public port",
            { web: { publicPorts: [0] } },
            'web.publicPorts[0] must lie within 1-65535 for protocol tcp (got "0/0")',
        ],
        [
            "admins from nowhere",
            { admin: { from: [] } },
            "admin.from must name at least one security group (got [])",
        ],
        [
            "admins on an unknown tier",
            { admin: { from: ["sg-b"], tiers: ["db" as never] } },
            'admin.tiers[0] must be a tier: web, app, data (got "db")',
        ],
        ["no tags", { tags: {} }, "tags must hold at least one tag"],
        [
            "an admin source keyed like a tier",
            { admin: { from: [{ group: "sg-1", key: "app" }] } },
            'admin.from[0] must not be keyed web, app, data: give it another key, e.g. { group, key: "bastion" } (got "app")',
        ],
        ["SSH as a public port of the web tier", { web: { publicPorts: [22] } }, "web.publicPorts[0]"],
        [
            "tiers without vpcId",
            { vpcId: undefined },
            "vpcId must name the VPC of the group (got undefined); pass classicNetwork: true to build a classic-network group deliberately",
        ],
        [
            "tiers with both vpcId and classicNetwork: true",
            { classicNetwork: true },
            'classicNetwork must be omitted when vpcId names a VPC ("vpc-1"): a group is either in a VPC or in the classic network (got true)',
        ],
    ];
    for (const [what, change, message] of bad) {
        it(`refuses ${what} before anything is registered, naming the field and value`, async () => {
            assert.throws(
                () =>
                    new ThreeTierGroups("bad", {
                        vpcId: "vpc-1",
                        tags: { owner: "team" },
                        ...change,
                    } as ThreeTierGroupsArgs),
                (err: unknown) => {
                    assert.ok(err instanceof ValidationError, String(err));
                    assert.ok(err.message.startsWith('ThreeTierGroups "bad": '), err.message);
                    assert.ok(err.message.includes(message), `${err.message}\n  should include: ${message}`);
                    return true;
                },
            );
            assert.deepStrictEqual(await settle(), []);
        });
    }

    it("builds classic-network tiers when asked with classicNetwork, the public rules on the internet NIC", async () => {
        new ThreeTierGroups("legacy", {
            classicNetwork: true,
            tags: { owner: "team" },
            data: { serves: { mysql: ["app"] } },
        });
        const resources = await settle();
        for (const tier of ["legacy-web", "legacy-app", "legacy-data"]) {
            assert.ok(!("vpcId" in find(resources, GROUP, tier).inputs), `${tier} names no VPC`);
            assert.strictEqual(
                find(resources, RULE, `${tier}-drop-baseline-internet`).inputs.nicType,
                "internet",
            );
        }
        assert.strictEqual(
            find(resources, RULE, "legacy-web-allow-https-from-internet").inputs.nicType,
            "internet",
        );
        assert.deepStrictEqual(
            ruleView(find(resources, RULE, "legacy-data-allow-mysql-from-app")),
            fromGroup("legacy-app-id", "legacy-data-id", "3306/3306"),
        );
    });

    it("lets the web tier name a broad public block only when the description lists it", async () => {
        new ThreeTierGroups("wide", {
            vpcId: "vpc-1",
            tags: { owner: "team" },
            web: { publicPorts: [443], publicCidrs: ["100.64.0.0/10"], allowBroadCidrs: ["100.64.0.0/10"] },
        });
        const resources = await settle();
        assert.strictEqual(
            find(resources, RULE, "wide-web-allow-https-from-100-64-0-0-10").inputs.cidrIp,
            "100.64.0.0/10",
        );
    });

    it("reports every problem of a description at once, a missing vpcId among them", () => {
        assert.throws(
            () =>
                new ThreeTierGroups("bad", {
                    tags: { owner: "team" },
                    app: { serves: { http: [] } },
                    data: { serves: { mysql: ["data"] } },
                } as unknown as ThreeTierGroupsArgs),
            (err: unknown) => {
                assert.ok(err instanceof ValidationError, String(err));
                assert.deepStrictEqual(err.problems.map((p) => p.path).sort(), [
                    "app.serves.http",
                    "data.serves.mysql[0]",
                    "vpcId",
                ]);
                return true;
            },
        );
    });

    it("reports a missing vpcId once for the three tiers", () => {
        assert.throws(
            () => new ThreeTierGroups("bad", { tags: { owner: "team" } }),
            (err: unknown) => {
                assert.ok(err instanceof ValidationError, String(err));
                assert.deepStrictEqual(
                    err.problems.map((p) => p.path),
                    ["vpcId"],
                );
                return true;
            },
        );
    });

    it("names administrative ports as every component does, keeping the names inner tiers had as aliases", async () => {
        new ThreeTierGroups("shop", {
            vpcId: "vpc-1",
            tags: { owner: "team-shop" },
            data: { serves: { elasticsearch: ["app"] } },
            admin: { from: [{ group: "sg-bastion", key: "bastion" }], ports: [22, 23] },
        });
        const resources = await settle();
        const rules = resources.filter((r) => r.type === RULE);
        assert.deepStrictEqual(rules.map((r) => `${r.name} <- ${r.aliases.join(", ")}`).sort(), [
            "shop-app-allow-ssh-from-bastion <- ",
            "shop-app-allow-telnet-from-bastion <- shop-app-allow-admin-tcp-23-from-bastion",
            "shop-app-drop-baseline <- ",
            "shop-data-allow-elasticsearch-tcp-9200-from-app <- shop-data-allow-elasticsearch-from-app-tcp-9200",
            "shop-data-allow-elasticsearch-tcp-9300-from-app <- shop-data-allow-elasticsearch-from-app-tcp-9300",
            "shop-data-allow-ssh-from-bastion <- ",
            "shop-data-allow-telnet-from-bastion <- shop-data-allow-admin-tcp-23-from-bastion",
            "shop-data-drop-baseline <- ",
            "shop-web-allow-http-from-internet <- ",
            "shop-web-allow-https-from-internet <- ",
            "shop-web-allow-ssh-from-bastion <- ",
            "shop-web-allow-telnet-from-bastion <- ",
            "shop-web-drop-baseline <- ",
        ]);
        assert.deepStrictEqual(
            ruleView(find(resources, RULE, "shop-data-allow-elasticsearch-tcp-9300-from-app")),
            fromGroup("shop-app-id", "shop-data-id", "9300/9300"),
        );
    });
});
