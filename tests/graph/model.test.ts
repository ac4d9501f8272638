import { riskyPresetPorts } from "../../core/presets";
import * as assert from "node:assert/strict";
import { joinStack, type StackResourceInput } from "../../core/stack";
import { exposureLines, graphDocument } from "../../engine/graph";
import { buildGraph } from "../../engine/graph/model";
import { edgeSet, graphOf, group, GROUP, instance, rule, UNKNOWN_ID, urnOf } from "./fixtures";

const baseline = (groupName: string) =>
    rule(`${groupName}-drop-baseline`, groupName, {
        protocol: "all",
        ports: "-1/-1",
        policy: "drop",
        priority: 100,
    });

describe("graph model", () => {
    it("draws the Internet, CIDR blocks and source groups as nodes, with merged port ranges", () => {
        const graph = graphOf([
            group("web"),
            group("app"),
            rule("http", "app", { ports: "80/80" }),
            rule("alt-http", "app", { ports: "81/81" }),
            rule("office-ssh", "app", { from: "203.0.113.7/32" }),
            rule("from-web", "app", { ports: "8080/8080", fromGroup: "web" }),
            baseline("app"),
        ]);
        assert.deepEqual(edgeSet(graph), [
            "cidr:203.0.113.7/32 -> app: tcp 22/22",
            "internet -> app: tcp 80/81",
            "web -> app: tcp 8080/8080",
        ]);
        assert.deepEqual(graphDocument(graph).nodes, [
            { id: "internet", label: "Internet", kind: "internet", instances: [] },
            { id: "web", label: "web", kind: "group", instances: [] },
            { id: "app", label: "app", kind: "group", instances: [] },
            { id: "cidr:203.0.113.7/32", label: "203.0.113.7/32", kind: "cidr", instances: [] },
        ]);
    });

    it("draws no edge for an accept shadowed by a stronger drop", () => {
        const graph = graphOf([
            group("app"),
            rule("ssh-from-anywhere", "app", { ports: "22/22", priority: 50 }),
            rule("no-ssh", "app", { ports: "22/22", policy: "drop", priority: 10 }),
            rule("https", "app", { ports: "443/443", priority: 50 }),
        ]);
        assert.deepEqual(edgeSet(graph), ["internet -> app: tcp 443/443"]);
    });

    it("lets a drop win over an accept of equal priority, whichever comes first", () => {
        for (const order of [0, 1]) {
            const rules = [
                rule("mysql-accept", "db", { ports: "3306/3306", from: "10.0.0.0/16", priority: 5 }),
                rule("mysql-drop", "db", {
                    ports: "3306/3306",
                    from: "10.0.0.0/16",
                    policy: "drop",
                    priority: 5,
                }),
            ];
            const graph = graphOf([group("db"), ...(order === 0 ? rules : rules.reverse())]);
            assert.deepEqual(edgeSet(graph), [], `order ${order}`);
        }
    });

    it("draws what is left of a partly overridden accept", () => {
        const graph = graphOf([
            group("app"),
            rule("vpc-tcp", "app", { ports: "1/65535", from: "10.0.0.0/16", priority: 50 }),
            rule("no-ssh", "app", { ports: "22/22", policy: "drop", priority: 1 }),
        ]);
        assert.deepEqual(edgeSet(graph), ["cidr:10.0.0.0/16 -> app: tcp 1/21,23/65535"]);
    });

    it("collapses every port of every protocol into one `all` edge", () => {
        const graph = graphOf([
            group("app"),
            rule("vpc-all", "app", { protocol: "all", ports: "-1/-1", from: "10.0.0.0/16" }),
        ]);
        assert.deepEqual(edgeSet(graph), ["cidr:10.0.0.0/16 -> app: all -1/-1"]);
    });

    it("pools an instance's groups: a drop in one closes what the other's accept opens", () => {
        const resources = [
            group("admin"),
            group("hardened"),
            rule("admin-ssh", "admin", { ports: "22/22", priority: 50 }),
            rule("hardened-no-ssh", "hardened", { ports: "22/22", policy: "drop", priority: 1 }),
            rule("hardened-https", "hardened", { ports: "443/443" }),
            instance("both-1", ["admin", "hardened"]),
        ];
        const pooled = graphOf(resources);
        assert.deepEqual(edgeSet(pooled), ["internet -> hardened: tcp 443/443"]);
        assert.deepEqual(
            pooled.nodes.map((node) => [node.id, node.instances]),
            [
                ["internet", []],
                ["admin", ["both-1"]],
                ["hardened", ["both-1"]],
            ],
        );
        // An instance in the admin group alone is reachable on SSH: that is drawn, and named on the node.
        const mixed = graphOf([...resources, instance("admin-only", ["admin"])]);
        assert.deepEqual(edgeSet(mixed), [
            "internet -> admin: tcp 22/22",
            "internet -> hardened: tcp 443/443",
        ]);
        assert.deepEqual(mixed.nodes.find((node) => node.id === "admin")?.instances, [
            "both-1",
            "admin-only",
        ]);
    });

    it("judges a group nothing joins on its own rules", () => {
        const graph = graphOf([
            group("lonely"),
            group("hardened"),
            rule("lonely-ssh", "lonely", { ports: "22/22", priority: 50 }),
            rule("hardened-no-ssh", "hardened", { ports: "22/22", policy: "drop", priority: 1 }),
        ]);
        assert.deepEqual(edgeSet(graph), ["internet -> lonely: tcp 22/22"]);
    });

    it("honours inner access: Accept draws members reaching each other, Drop does not", () => {
        const graph = graphOf([
            group("open-cluster", { innerAccessPolicy: "Accept" }),
            group("isolated"),
            instance("node-1", ["open-cluster", "isolated"]),
            instance("node-2", ["isolated"]),
        ]);
        assert.deepEqual(edgeSet(graph), ["open-cluster -> open-cluster: all -1/-1"]);
    });

    it("draws a group referencing itself as a self edge, and a source group's rule as an edge between groups", () => {
        const graph = graphOf([
            group("web"),
            group("cache"),
            rule("from-web", "cache", { ports: "6379/6379", fromGroup: "web" }),
            rule("from-members", "cache", { ports: "6379/6379", fromGroup: "cache" }),
            rule("drop-redis", "cache", { ports: "6379/6379", policy: "drop", priority: 100 }),
        ]);
        assert.deepEqual(edgeSet(graph), ["cache -> cache: tcp 6379/6379", "web -> cache: tcp 6379/6379"]);
    });

    it("names a foreign-account source group by id and account, reading both owner fields", () => {
        for (const ownerField of ["sourceGroupOwnerId", "sourceGroupOwnerAccount"]) {
            const graph = graphOf([
                group("app"),
                rule("partner", "app", {
                    ports: "443/443",
                    extra: {
                        cidrIp: undefined,
                        sourceSecurityGroupId: "sg-partner",
                        [ownerField]: "1234567890",
                    },
                }),
            ]);
            assert.deepEqual(
                edgeSet(graph),
                ["external:1234567890/sg-partner -> app: tcp 443/443"],
                ownerField,
            );
            assert.deepEqual(
                graph.nodes.find((node) => node.kind === "external-group"),
                {
                    id: "external:1234567890/sg-partner",
                    label: "sg-partner (account 1234567890)",
                    kind: "external-group",
                    instances: [],
                },
                ownerField,
            );
        }
    });

    it("evaluates a classic-network group's internet NIC rules too", () => {
        const graph = graphOf([
            group("classic", { vpcId: undefined }),
            rule("public-http", "classic", { ports: "80/80", nicType: "internet" }),
            rule("intranet-ssh", "classic", { ports: "22/22", from: "10.1.0.0/16" }),
        ]);
        assert.deepEqual(edgeSet(graph), [
            "cidr:10.1.0.0/16 -> classic: tcp 22/22",
            "internet -> classic: tcp 80/80",
        ]);
    });

    it("marks the open Internet (any address, broad public blocks) and the risky ports it reaches", () => {
        const graph = graphOf([
            group("app"),
            rule("broad-public", "app", { ports: "6379/6379", from: "1.0.0.0/8" }),
            rule("broad-private", "app", { ports: "3306/3306", from: "10.0.0.0/8" }),
            rule("web", "app", { ports: "80/80" }),
        ]);
        assert.deepEqual([...graph.internetFacing].sort(), ["cidr:1.0.0.0/8", "internet"]);
        const risky = graph.edges.map((edge, index) => `${edge.from}:${graph.riskyPorts[index].join(",")}`);
        // Private space is not the open Internet: its edge is drawn plainly, its port is the point inside the VPC.
        assert.deepEqual(risky.sort(), ["cidr:1.0.0.0/8:6379", "cidr:10.0.0.0/8:", "internet:"]);
        assert.deepEqual(
            graph.edges.map((edge, index) => `${edge.from}:${graph.openInternet[index]}`).sort(),
            ["cidr:1.0.0.0/8:true", "cidr:10.0.0.0/8:false", "internet:true"],
        );
        assert.deepEqual(exposureLines(graph), [
            "Exposure (after priority resolution; the open Internet is any address, or a public block broader than /16 (IPv4) or /48 (IPv6)):",
            "    app  tcp 80/80 from Internet; tcp 6379/6379 from 1.0.0.0/8 (risky: 6379)",
        ]);
    });

    it("lists narrower public sources (an office /32) on a line of their own, not as nothing", () => {
        const graph = graphOf([
            group("admin"),
            rule("office-ssh", "admin", { ports: "22/22", from: "203.0.113.7/32" }),
            rule("vpc-ssh", "admin", { ports: "22/22", from: "10.0.0.0/16" }),
            group("web"),
            rule("https", "web", { ports: "443/443" }),
            rule("office-admin", "web", { ports: "8443/8443", from: "198.51.100.0/24" }),
            group("db"),
            rule("db-from-vpc", "db", { ports: "3306/3306", from: "10.0.0.0/16" }),
        ]);
        assert.deepEqual(exposureLines(graph), [
            "Exposure (after priority resolution; the open Internet is any address, or a public block broader than /16 (IPv4) or /48 (IPv6)):",
            "    admin  nothing from the open Internet",
            "           narrower public sources: tcp 22/22 from 203.0.113.7/32",
            "    web    tcp 443/443 from Internet",
            "           narrower public sources: tcp 8443/8443 from 198.51.100.0/24",
            "    db     nothing",
        ]);
    });

    it("draws any address on a classic group's intranet as the shared classic intranet, not the Internet", () => {
        const classic = (name: string) => group(name, { vpcId: undefined });
        const graph = graphOf([
            classic("legacy"),
            rule("legacy-intranet-ssh", "legacy", { ports: "22/22", nicType: "intranet" }),
            rule("legacy-internet-https", "legacy", { ports: "443/443", nicType: "internet" }),
        ]);
        assert.deepEqual(edgeSet(graph), [
            "classic-intranet -> legacy: tcp 22/22",
            "internet -> legacy: tcp 443/443",
        ]);
        assert.deepEqual(exposureLines(graph), [
            "Exposure (after priority resolution; the open Internet is any address, or a public block broader than /16 (IPv4) or /48 (IPv6)):",
            "    legacy  tcp 443/443 from Internet; tcp 22/22 from classic intranet (all tenants) (risky: 22)",
        ]);
    });

    it("says when a group's access cannot be fully told yet, and draws what is known", () => {
        const graph = graphOf([
            group("app"),
            rule("known", "app", { ports: "443/443" }),
            rule("unknown-ports", "app", { ports: UNKNOWN_ID }),
        ]);
        assert.deepEqual(edgeSet(graph), ["internet -> app: tcp 443/443"]);
        assert.deepEqual([...graph.incomplete], ["app"]);
        // The unknown range might hold any risky port: can't tell yet, naming the rule, as the policy says.
        assert.deepEqual(
            exposureLines(graph)[1],
            `    app  tcp 443/443 from Internet (can't tell yet: risky ${riskyPresetPorts().join(", ")} (rule unknown-ports, whose portRange is not known yet))`,
        );
    });

    it("calls a pool with a group from outside the stack incomplete: its rules may hold drops", () => {
        const member = instance("app-1", ["app"]);
        const joined: StackResourceInput = {
            ...member,
            props: { instanceName: "app-1", securityGroups: [UNKNOWN_ID, "sg-shared-elsewhere"] },
        };
        const graph = graphOf([group("app"), rule("https", "app", { ports: "443/443" }), joined]);
        assert.deepEqual(edgeSet(graph), ["internet -> app: tcp 443/443"]);
        assert.deepEqual([...graph.incomplete].sort(), ["app", "external:sg-shared-elsewhere"]);
        // The outside group is drawn, with the stack's member that joins it.
        assert.deepEqual(
            graphDocument(graph).nodes.filter((node) => node.kind === "external-group"),
            [
                {
                    id: "external:sg-shared-elsewhere",
                    label: "sg-shared-elsewhere",
                    kind: "external-group",
                    instances: ["app-1"],
                },
            ],
        );
        assert.deepEqual(exposureLines(graph), [
            "Exposure (after priority resolution; the open Internet is any address, or a public block broader than /16 (IPv4) or /48 (IPv6)):",
            "    app (app-1)                                       tcp 443/443 from Internet (incomplete: some rules or groups are unknown in preview or outside the stack)",
            `    sg-shared-elsewhere (outside this stack) (app-1)  nothing (can't tell yet: risky ${riskyPresetPorts().join(", ")} (its rules are not seen here))`,
        ]);
        assert.deepEqual(
            graphOf([group("app"), rule("https", "app", { ports: "443/443" }), member]).incomplete.size,
            0,
        );
    });

    it("draws a rule written to a group outside the stack into a node of its own, and judges it", () => {
        // `securityGroupId: "sg-ops-shared"`: a live group of another team, named by id in the program.
        const outsideRule = (name: string, spec: Parameters<typeof rule>[2]): StackResourceInput => ({
            ...rule(name, "unused", { ...spec, extra: { securityGroupId: "sg-ops-shared" } }),
            propertyDependencies: {},
        });
        const graph = graphOf([
            group("app"),
            rule("https", "app", { ports: "443/443" }),
            outsideRule("ops-ssh-from-anywhere", { ports: "22/22", nicType: "internet" }),
        ]);
        assert.deepEqual(edgeSet(graph), [
            "internet -> app: tcp 443/443",
            "internet -> external:sg-ops-shared: tcp 22/22",
        ]);
        assert.deepEqual(
            graph.edges.map((edge, index) => `${edge.to}:${graph.riskyPorts[index].join(",")}`).sort(),
            ["app:", "external:sg-ops-shared:22"],
        );
        assert.deepEqual(
            graphDocument(graph).nodes.filter((node) => node.kind === "external-group"),
            [{ id: "external:sg-ops-shared", label: "sg-ops-shared", kind: "external-group", instances: [] }],
        );
    });

    it("keeps two groups of the same logical name apart", () => {
        const first = group("sg");
        const second: StackResourceInput = { ...group("sg"), urn: `${group("sg").urn}-other-parent` };
        const graph = buildGraph(joinStack([first, second]));
        assert.deepEqual(
            graph.nodes.map((node) => [node.id, node.label]),
            [
                ["sg", "sg"],
                ["sg#2", "sg"],
            ],
        );
    });

    it("never throws on odd input", () => {
        const junk = [
            null,
            { urn: 5, type: "alicloud:ecs/securityGroup:SecurityGroup" },
            { urn: urnOf(GROUP, "odd"), type: GROUP, props: null },
            { urn: "u2", type: "alicloud:ecs/securityGroupRule:SecurityGroupRule", props: { cidrIp: 7 } },
            { urn: "u3", type: "alicloud:ecs/instance:Instance", props: { securityGroups: "sg-1" } },
            rule("bad-cidr", "app", { from: "not-a-cidr" }),
            rule("bad-ports", "app", { ports: "200/1" }),
            rule("bad-priority", "app", { priority: 0 }),
            group("app"),
        ];
        const graph = graphOf(junk as unknown as StackResourceInput[]);
        // The only access left: a normal group without innerAccessPolicy lets its members in (Alibaba's default).
        assert.deepEqual(edgeSet(graph), ["odd -> odd: all -1/-1"]);
    });
});
