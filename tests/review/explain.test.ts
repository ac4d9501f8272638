import * as assert from "node:assert/strict";
import * as path from "path";
import { explainSide, type ExplainDocument, type ExplainRequest } from "../../engine/review/explain";
import { loadSide, type LoadedSide } from "../../engine/review/sides";
import { runCli } from "../cli/run";

const CLUSTER = path.join("tests", "fixtures", "review", "cluster");
const MOCK_NOTE =
    "Offline preview under the SDK's mock runtime: provider defaults and autonames were not applied, ids and provider-computed outputs are unknown, and there is no default provider or root Stack resource.";
const ORDER_NOTE =
    "Rules match in evaluation order: the smallest priority number first, a drop before an accept of the same priority; the first decides.";

const baselineDrop = {
    priority: 100,
    policy: "drop",
    group: "cluster",
    rule: "cluster-drop-baseline",
    peer: "0.0.0.0/0",
    description: "Drop everything not allowed above",
};
const etcdDrop = {
    priority: 1,
    policy: "drop",
    group: "cluster",
    rule: "cluster-drop-etcd",
    peer: "0.0.0.0/0",
    description: "etcd only between nodes",
};
/**
 * The pool of both nodes: the two groups of the stack and the account-wide group given by a literal id. The join
 * names it (the list's unknown entries are the stack's two groups, so the known id is a group outside the stack).
 */
const NODE_POOL = {
    groups: ["cluster", "monitoring"],
    outsideGroups: ["sg-2zeshared00000001"],
    unknownGroups: 0,
};

describe("explain: why a peer can or cannot reach a node (the cluster program run under mocks)", function () {
    // The program runs once here and once through the command, on a loaded machine.
    this.timeout(600_000);
    let side: LoadedSide;

    before(async () => {
        side = await loadSide("TARGET", { kind: "project", dir: path.resolve(CLUSTER) }, {});
    });

    const explainOf = (request: Partial<ExplainRequest> & { to: string; port: string }): ExplainDocument =>
        explainSide(side, { protocol: "tcp", ...request });

    it("lets the nodes reach each other on etcd by inner access although two drops match first", () => {
        const document = explainOf({ to: "node-1", port: "2379", from: "cluster" });
        assert.deepEqual(document.node, {
            name: "node-1",
            type: "alicloud:ecs/instance:Instance",
            urn: "urn:pulumi:dev::cluster::alicloud:ecs/instance:Instance::node-1",
        });
        assert.deepEqual(document.scopes, [
            {
                members: ["node-1"],
                ...NODE_POOL,
                protocol: "tcp",
                nicType: "intranet",
                peers: [
                    {
                        peer: "security group cluster",
                        allowed: true,
                        decidedBy: "inner-access",
                        reason: "inner access: cluster's innerAccessPolicy is Accept, so its members reach each other whatever the rules say",
                        rules: [
                            { ...etcdDrop, decides: false },
                            { ...baselineDrop, decides: false },
                        ],
                        unless: [],
                    },
                ],
                denied: [],
                refused: [],
            },
        ]);
    });

    it("denies etcd to an address of the VPC on the first drop, and says the unseen group could not let it in", () => {
        const document = explainOf({ to: "node-2", port: "2380", from: "10.20.1.9" });
        assert.deepEqual(document.scopes, [
            {
                members: ["node-2"],
                ...NODE_POOL,
                protocol: "tcp",
                nicType: "intranet",
                peers: [
                    {
                        peer: "10.20.1.9/32",
                        allowed: false,
                        decidedBy: "rule",
                        reason: "dropped by cluster-drop-etcd (priority 1, drop, security group cluster), the first matching rule in evaluation order",
                        rules: [
                            { ...etcdDrop, decides: true },
                            { ...baselineDrop, decides: false },
                        ],
                        // A priority 1 drop is the strongest there is: no rule of any other group can overturn it.
                        unless: [],
                    },
                ],
                denied: [],
                refused: [],
            },
        ]);
    });

    it("explains a group through its members, pooled: the accept at priority 5 wins over the baseline drop", () => {
        const document = explainOf({ to: "monitoring", port: "9100", from: "10.20.3.4" });
        assert.deepEqual(
            document.scopes.map((scope) => [
                scope.members,
                scope.peers.map((peer) => [
                    peer.allowed,
                    peer.rules.map((rule) => [rule.rule, rule.decides]),
                    peer.unless,
                ]),
            ]),
            [
                [
                    ["node-1", "node-2"],
                    [
                        [
                            true,
                            [
                                ["monitoring-allow-node-exporter", true],
                                ["cluster-drop-baseline", false],
                            ],
                            [
                                "unless sg-2zeshared00000001, a security group outside this stack that is pooled in too, has a rule that drops it: its rules are not seen",
                            ],
                        ],
                    ],
                ],
            ],
        );
    });

    it("refuses a node that is not in the stack in one line naming what is", () => {
        assert.throws(
            () => explainOf({ to: "node-9", port: "22" }),
            (err: Error) =>
                err.message ===
                "--to node-9: no security group or member has that logical name, URN or id (security groups: cluster, monitoring; members: node-1, node-2)",
        );
    });

    it("the command: every peer that can reach node-1 on SSH, and what is not known yet, as text", async () => {
        const run = await runCli(["explain", CLUSTER, "--to", "node-1", "--port", "22"]);
        assert.equal(run.code, 0, run.stderr);
        assert.equal(run.stderr, "");
        assert.equal(
            run.stdout,
            [
                "Can any peer reach node-1 (alicloud:ecs/instance:Instance) on tcp 22?",
                `In ${CLUSTER}: cluster, stack dev.`,
                MOCK_NOTE,
                ORDER_NOTE,
                "",
                "node-1 (security groups pooled: cluster, monitoring, sg-2zeshared00000001 (outside this stack)), tcp 22, intranet NIC:",
                "  from security group cluster: ALLOWED",
                "    1. priority 100 drop cluster-drop-baseline (security group cluster, from 0.0.0.0/0)  (not reached)",
                "    inner access: cluster's innerAccessPolicy is Accept, so its members reach each other whatever the rules say",
                "  from 0.0.0.0/0: DENIED, dropped by cluster-drop-baseline (priority 100, drop, security group cluster), the first matching rule in evaluation order",
                "    unless rule cluster-allow-ssh-from-nat (security group cluster), whose cidrIp is not known yet, matches and lets it in",
                "    unless sg-2zeshared00000001, a security group outside this stack that is pooled in too, has a rule that lets it in: its rules are not seen",
                "  from ::/0: DENIED, no rule matches: denied",
                "    unless rule cluster-allow-ssh-from-nat (security group cluster), whose cidrIp is not known yet, matches and lets it in",
                "    unless sg-2zeshared00000001, a security group outside this stack that is pooled in too, has a rule that lets it in: its rules are not seen",
                "",
            ].join("\n"),
        );
    });

    it("the command refuses a bad port in one line before it reads the target (exit 2)", async () => {
        // The target does not exist: the port is refused first, so no program would have run for it.
        const missing = path.join("tests", "fixtures", "review", "no-such-project");
        const run = await runCli([
            "explain",
            missing,
            "--to",
            "node-1",
            "--port",
            "70000",
            "--format",
            "json",
        ]);
        assert.equal(run.code, 2);
        assert.equal(run.stderr, 'alicloud-sg: --port must be a port number from 1 to 65535 (got "70000")\n');
        assert.deepEqual(JSON.parse(run.stdout), {
            error: { message: '--port must be a port number from 1 to 65535 (got "70000")', source: null },
        });
    });
});
