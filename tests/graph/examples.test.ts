import * as assert from "node:assert/strict";
import * as fs from "fs";
import * as path from "path";
import { graphProject, type StackGraph } from "../../engine/graph";
import { edgeSet } from "./fixtures";

const EXAMPLES = path.resolve(__dirname, "../../examples");

/**
 * What each example's programs say, read off their source: the effective ingress edges and the members of
 * each group. A new example without an entry here fails the first test.
 */
const EXPECTED: Record<string, { edges: string[]; members: Record<string, string[]> }> = {
    "web-redis": {
        edges: [
            "cache -> cache: tcp 6379/6379",
            "internet -> web: tcp 80/80,443/443",
            "web -> cache: tcp 6379/6379",
        ],
        members: { web: ["web-1", "web-2"], cache: ["redis-1"] },
    },
    "classic-network": {
        // The web tier's 80/443 are internet-NIC rules in a classic network; they are drawn all the same.
        edges: [
            "cache -> cache: tcp 6379/6379",
            "internet -> web: tcp 80/80,443/443",
            "web -> cache: tcp 6379/6379",
        ],
        members: { web: ["web-1"], cache: ["redis-1"] },
    },
    "cross-account": {
        edges: [
            "cache -> cache: tcp 6379/6379",
            "external:1234567890123456/sg-bp1partnerweb0example -> cache: tcp 6379/6379",
        ],
        members: { cache: ["redis-1"] },
    },
    "declarative-tiers": {
        edges: [
            "external:sg-bp1bastion0example -> shop-app: tcp 22/22",
            "external:sg-bp1bastion0example -> shop-data: tcp 22/22",
            "external:sg-bp1bastion0example -> shop-web: tcp 22/22",
            "internet -> shop-web: tcp 80/80,443/443",
            "shop-app -> shop-data: tcp 3306/3306,6379/6379",
            "shop-web -> shop-app: tcp 8080/8080",
        ],
        members: { "shop-web": ["web-1"], "shop-app": ["app-1"], "shop-data": ["data-1"] },
    },
    "raw-resources": {
        // SSH left to the provider's defaults is an accept at priority 1, ahead of the drop-all; the database
        // group leaves innerAccessPolicy out, so its members reach each other on everything.
        edges: [
            "cidr:10.0.0.0/8 -> db: tcp 3306/3306",
            "db -> db: all -1/-1",
            "internet -> web: tcp 22/22,443/443",
        ],
        members: { web: ["web-1"], db: ["db-1"] },
    },
    "three-tier": {
        edges: [
            "app -> mysql: tcp 3306/3306",
            "app -> redis: tcp 6379/6379",
            "bastion -> app: tcp 22/22",
            "bastion -> data-admin: tcp 22/22",
            "bastion -> web: tcp 22/22",
            "cidr:203.0.113.10/32 -> bastion: tcp 22/22",
            "internet -> web: tcp 80/80,443/443",
            "mysql -> mysql: tcp 3306/3306",
            "redis -> redis: tcp 6379/6379",
            "web -> app: tcp 8080/8080",
        ],
        // The data hosts are pooled in their service group and the shared administration group.
        members: {
            bastion: ["bastion-1"],
            web: ["web-1"],
            app: ["app-1"],
            mysql: ["mysql-1"],
            redis: ["redis-1"],
            "data-admin": ["mysql-1", "redis-1"],
        },
    },
    violations: {
        // The reversed port range (8443/8080) is rejected by the API, so it opens nothing; the crowded
        // instance's six groups hold only drops.
        edges: [
            "app -> untagged: tcp 443/443",
            "cidr:10.0.0.0/8 -> broad: tcp 8080/8080",
            "cidr:192.168.0.0/24 -> classic: tcp 8080/8080",
            "internet -> risky: tcp 3389/3389",
        ],
        members: {
            // stray-1 is in another VPC (disallow-cross-network-membership), but joins app all the same.
            app: ["app-1", "stray-1"],
            broad: ["broad-1"],
            untagged: ["untagged-1"],
            "crowd-a": ["crowded-1"],
            "crowd-b": ["crowded-1"],
            "crowd-c": ["crowded-1"],
            "crowd-d": ["crowded-1"],
            "crowd-e": ["crowded-1"],
            "crowd-f": ["crowded-1"],
            risky: ["risky-1"],
            invalid: ["invalid-1"],
            classic: ["classic-1"],
        },
    },
};

const examples = fs
    .readdirSync(EXAMPLES)
    .filter((name) => fs.existsSync(path.join(EXAMPLES, name, "Pulumi.yaml")))
    .sort();

describe("graph of every example (programs run under mocks)", () => {
    const graphs = new Map<string, StackGraph>();

    before(async function () {
        this.timeout(240_000);
        // Two at a time: each run is a child process.
        const queue = [...examples];
        const worker = async () => {
            for (let name = queue.shift(); name !== undefined; name = queue.shift()) {
                graphs.set(name, await graphProject({ projectDir: path.join(EXAMPLES, name) }));
            }
        };
        await Promise.all([worker(), worker()]);
    });

    it("has an expectation for each example, and each expectation an example", () => {
        assert.deepEqual(Object.keys(EXPECTED).sort(), examples);
    });

    for (const name of Object.keys(EXPECTED)) {
        it(`${name}: the exact effective edges, and each group's members`, () => {
            const stackGraph = graphs.get(name);
            assert.ok(stackGraph, `examples/${name} was not graphed`);
            const { graph } = stackGraph;
            assert.deepEqual(edgeSet(graph), EXPECTED[name].edges);
            const members = Object.fromEntries(
                graph.nodes.filter((node) => node.kind === "group").map((node) => [node.id, node.instances]),
            );
            assert.deepEqual(members, EXPECTED[name].members);
        });
    }
});
