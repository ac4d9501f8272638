import * as assert from "node:assert/strict";
import { EXCLUDED_FIELDS, MEMBER_TYPES, type MemberType } from "../../core/members/catalog";
import { PROVIDER_GROUP_FIELDS } from "../../core/members/providerFields";
import { joinStack, type StackResourceInput } from "../../core/stack";
import { buildGraph, graphDocument } from "../../engine/graph/model";
import { group as fixtureGroup, rule as fixtureRule } from "../policies/fixtures";
import { type TestResource, urnOf, violationsOf } from "../policies/harness";

/**
 * Every modelled member type, one by one: which of its fields join groups (as the provider declares them, one at
 * a time), its limit, pooling, its label in the graph, and the network rule. Expectations are written here, not
 * read from the catalog: a change of label, limit or relation in the catalog fails this table.
 */

type Relation = "member" | "whitelist";

/** className → [label, relation, limit, how the excess message names the limit]. */
const EXPECTED: Record<string, readonly [string, Relation, number, string]> = {
    "alicloud.ecs.Instance": ["ECS instance", "member", 5, "allowed per network interface"],
    "alicloud.ecs.EcsNetworkInterface": ["ENI", "member", 5, "allowed per network interface"],
    "alicloud.vpc.NetworkInterface": ["ENI", "member", 5, "allowed per network interface"],
    "alicloud.ecs.EcsInstanceSet": ["instance set", "member", 5, "allowed per network interface"],
    "alicloud.ecs.EcsLaunchTemplate": ["launch template", "member", 5, "allowed per network interface"],
    "alicloud.ecs.LaunchTemplate": ["launch template", "member", 5, "allowed per network interface"],
    "alicloud.ess.ScalingConfiguration": [
        "scaling configuration",
        "member",
        5,
        "allowed per network interface",
    ],
    "alicloud.ess.EciScalingConfiguration": [
        "ECI scaling configuration",
        "member",
        5,
        "an elastic container instance allows",
    ],
    "alicloud.cs.NodePool": ["ACK node pool", "member", 5, "allowed per network interface"],
    "alicloud.cs.ManagedKubernetes": ["ACK managed cluster", "member", 5, "allowed per network interface"],
    "alicloud.cs.Kubernetes": ["ACK dedicated cluster", "member", 5, "allowed per network interface"],
    "alicloud.cs.EdgeKubernetes": ["ACK Edge cluster", "member", 5, "allowed per network interface"],
    "alicloud.cs.ServerlessKubernetes": [
        "ACK Serverless cluster",
        "member",
        5,
        "allowed per network interface",
    ],
    "alicloud.ackone.Cluster": ["ACK One fleet", "member", 5, "allowed per network interface"],
    "alicloud.eci.ContainerGroup": [
        "ECI container group",
        "member",
        5,
        "an elastic container instance allows",
    ],
    "alicloud.eci.VirtualNode": ["ECI virtual node", "member", 5, "an elastic container instance allows"],
    "alicloud.eci.ImageCache": ["ECI image cache", "member", 5, "an elastic container instance allows"],
    "alicloud.eci.OpenApiImageCache": [
        "ECI image cache",
        "member",
        5,
        "an elastic container instance allows",
    ],
    "alicloud.alb.LoadBalancerSecurityGroupAttachment": ["ALB", "member", 4, "an ALB instance allows"],
    "alicloud.nlb.LoadBalancer": ["NLB", "member", 4, "an NLB instance allows"],
    "alicloud.nlb.LoadBalancerSecurityGroupAttachment": ["NLB", "member", 4, "an NLB instance allows"],
    "alicloud.privatelink.VpcEndpoint": [
        "PrivateLink endpoint",
        "member",
        10,
        "a PrivateLink endpoint allows",
    ],
    "alicloud.alikafka.Instance": ["Kafka instance", "member", 5, "allowed per network interface"],
    "alicloud.amqp.Instance": ["RabbitMQ instance", "member", 5, "allowed per network interface"],
    "alicloud.apigateway.Instance": ["API Gateway instance", "member", 5, "allowed per network interface"],
    "alicloud.arms.Prometheus": ["Prometheus instance", "member", 5, "allowed per network interface"],
    "alicloud.bastionhost.Instance": ["Bastionhost", "member", 5, "allowed per network interface"],
    "alicloud.yundun.BastionHostInstance": ["Bastionhost", "member", 5, "allowed per network interface"],
    "alicloud.cassandra.Cluster": ["Cassandra cluster", "member", 3, "a Cassandra cluster allows"],
    "alicloud.cddc.DedicatedPropreHost": [
        "dedicated database host",
        "member",
        5,
        "allowed per network interface",
    ],
    "alicloud.dms.Airflow": ["DMS Airflow", "member", 5, "allowed per network interface"],
    "alicloud.eais.Instance": ["EAIS instance", "member", 5, "allowed per network interface"],
    "alicloud.ecp.Instance": ["cloud phone", "member", 5, "allowed per network interface"],
    "alicloud.eflo.Cluster": ["Lingjun cluster", "member", 5, "allowed per network interface"],
    "alicloud.ehpc.Cluster": ["E-HPC cluster", "member", 5, "allowed per network interface"],
    "alicloud.ehpc.ClusterV2": ["E-HPC cluster", "member", 5, "allowed per network interface"],
    "alicloud.elasticsearch.Instance": [
        "Elasticsearch Kibana private network",
        "member",
        5,
        "allowed per network interface",
    ],
    "alicloud.emr.Cluster": ["EMR cluster", "member", 5, "allowed per network interface"],
    "alicloud.emrv2.Cluster": ["EMR cluster", "member", 5, "allowed per network interface"],
    "alicloud.eventbridge.Connection": [
        "EventBridge connection",
        "member",
        5,
        "allowed per network interface",
    ],
    "alicloud.eventbridge.EventSourceV2": [
        "EventBridge event source",
        "member",
        5,
        "allowed per network interface",
    ],
    "alicloud.fc.Service": ["Function Compute service", "member", 5, "allowed per network interface"],
    "alicloud.fc.V3Function": ["Function Compute function", "member", 5, "allowed per network interface"],
    "alicloud.hbase.Instance": ["HBase cluster", "member", 5, "allowed per network interface"],
    "alicloud.nas.MountTarget": ["NAS mount target", "member", 5, "allowed per network interface"],
    "alicloud.polardb.Aicluster": ["PolarDB AI cluster", "member", 5, "allowed per network interface"],
    "alicloud.polardb.Gateway": ["PolarDB gateway", "member", 5, "allowed per network interface"],
    "alicloud.pvtz.Endpoint": ["PrivateZone resolver endpoint", "member", 5, "allowed per network interface"],
    "alicloud.rds.Custom": ["RDS Custom instance", "member", 5, "allowed per network interface"],
    "alicloud.rocketmq.RocketMQInstance": ["RocketMQ instance", "member", 5, "allowed per network interface"],
    "alicloud.sae.Application": ["SAE application", "member", 5, "allowed per network interface"],
    "alicloud.servicemesh.ServiceMesh": ["Service Mesh", "member", 5, "allowed per network interface"],
    "alicloud.kvstore.Instance": ["Redis instance", "whitelist", 10, "a Redis (Tair) instance allows"],
    "alicloud.redis.TairInstance": ["Tair instance", "whitelist", 10, "a Redis (Tair) instance allows"],
    "alicloud.rds.Instance": ["RDS instance", "whitelist", 10, "an RDS instance allows"],
    "alicloud.rds.DdrInstance": ["RDS instance", "whitelist", 10, "an RDS instance allows"],
    "alicloud.mongodb.Instance": ["MongoDB instance", "whitelist", 10, "a MongoDB instance allows"],
    "alicloud.mongodb.ShardingInstance": [
        "MongoDB sharded cluster",
        "whitelist",
        10,
        "a MongoDB instance allows",
    ],
    "alicloud.polardb.Cluster": ["PolarDB cluster", "whitelist", 3, "a PolarDB cluster allows"],
};

const VSWITCH = "alicloud:vpc/switch:Switch";

/** A group with a known id, as a deployed stack (or an audited account) has it. */
function group(name: string, vpcId = "vpc-a"): TestResource {
    return fixtureGroup(name, { id: `sg-${name}`, vpcId });
}

/** SSH from anywhere, accepted or dropped at a priority. */
function rule(name: string, groupName: string, props: Record<string, unknown>): TestResource {
    return fixtureRule(name, groupName, {
        cidrIp: "0.0.0.0/0",
        securityGroupId: `sg-${groupName}`,
        ...props,
    });
}

/** `props` with `value` written at a catalog path (`a[].b.c`: a list of one object at `a`). */
function setAt(props: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
    const [head, ...rest] = path.split(".");
    const key = head.replace(/\[\]$/, "");
    if (rest.length === 0) {
        return { ...props, [key]: value };
    }
    const list = head.endsWith("[]");
    const current = (list ? (props[key] as Record<string, unknown>[] | undefined)?.[0] : props[key]) ?? {};
    const inner = setAt(current as Record<string, unknown>, rest.join("."), value);
    return { ...props, [key]: list ? [inner] : inner };
}

const ids = (names: readonly string[]) => names.map((name) => `sg-${name}`);

/** The provider's group fields of a type that the catalog does not exclude: what must be read. */
function groupFields(type: string) {
    return PROVIDER_GROUP_FIELDS.filter(
        (field) =>
            field.type === type && !EXCLUDED_FIELDS.some((e) => e.type === type && e.path === field.path),
    );
}

/**
 * Members of `entry` joining `groups` in one attachment: through a list field when the provider declares one,
 * through one attachment resource per group for attachment resources, else through ids separated by commas.
 */
function joining(
    entry: MemberType,
    name: string,
    groups: readonly string[],
    extra: Record<string, unknown> = {},
) {
    const fields = groupFields(entry.type);
    const list = fields.find((field) => field.valueType.endsWith("[]"));
    if (entry.memberOf) {
        return groups.map((g, i): TestResource => ({
            type: entry.type,
            name: `${name}-${i}`,
            props: { ...extra, [entry.memberOf as string]: "lb-1", securityGroupId: `sg-${g}` },
        }));
    }
    const field = list ?? fields[0];
    const value = list ? ids(groups) : ids(groups).join(",");
    return [{ type: entry.type, name, props: setAt(extra, field.path, value) }];
}

async function findings(stack: readonly TestResource[], policy: string): Promise<string[]> {
    return (await violationsOf(policy, stack)).map((v) => v.message);
}

/** The resources as a stack policy sees them: URNs, dependencies named by URN. */
function asStack(resources: readonly TestResource[]): StackResourceInput[] {
    const byName = new Map(resources.map((r) => [r.name, urnOf(r)]));
    return resources.map((r) => ({
        urn: urnOf(r),
        type: r.type,
        name: r.name,
        props: r.props,
        propertyDependencies: Object.fromEntries(
            Object.entries(r.propertyDependencies ?? {}).map(([key, names]) => [
                key,
                names.map((name) => byName.get(name) ?? name),
            ]),
        ),
    }));
}

describe("core/members: each modelled type", function () {
    this.timeout(120_000);

    it("is in the table, and the table has nothing the catalog lacks", () => {
        assert.deepEqual(MEMBER_TYPES.map((entry) => entry.className).sort(), Object.keys(EXPECTED).sort());
    });

    for (const entry of MEMBER_TYPES) {
        const [label, relation, limit, limitText] = EXPECTED[entry.className] ?? ["?", "member", 0, "?"];
        // An attachment resource adds to the load balancer it names (here by an id outside the stack).
        const name = entry.memberOf ? "lb-1" : "m";
        const display = entry.className === "alicloud.ecs.Instance" ? name : `${label} ${name}`;
        describe(entry.className, () => {
            it(`is a ${relation}, labelled "${label}"`, () => {
                assert.equal(entry.relation, relation);
                assert.equal(entry.label, label);
            });

            it("reads each group field the provider declares, one at a time", () => {
                for (const field of groupFields(entry.type)) {
                    const props = setAt(
                        entry.memberOf ? { [entry.memberOf]: "lb-1" } : {},
                        field.path,
                        "sg-one",
                    );
                    const model = joinStack(asStack([group("one"), { type: entry.type, name: "m", props }]));
                    const users = relation === "whitelist" ? model.whitelists : model.members;
                    assert.equal(users.length, 1, field.path);
                    assert.deepEqual(
                        users[0].attachments.map((a) => [
                            a.fields,
                            a.groups.map((g) => (g.kind === "stack" ? g.group.name : g.kind)),
                        ]),
                        [[[field.path], ["one"]]],
                        field.path,
                    );
                }
            });

            it(`allows ${limit} groups and reports ${limit + 1}, naming the limit`, async () => {
                const names = Array.from({ length: limit + 1 }, (_, i) => `g${i}`);
                const groups = names.map((name) => group(name));
                assert.deepEqual(
                    await findings(
                        [...groups, ...joining(entry, "m", names.slice(0, limit))],
                        "disallow-excess-security-groups",
                    ),
                    [],
                );
                const over = await findings(
                    [...groups, ...joining(entry, "m", names)],
                    "disallow-excess-security-groups",
                );
                assert.equal(over.length, 1, over.join("\n"));
                assert.match(
                    over[0],
                    new RegExp(
                        `^${display} (joins|admits the members of) ${limit + 1} security groups through `,
                    ),
                );
                assert.ok(over[0].includes(`more than the ${limit} ${limitText}`), over[0]);
            });

            it(
                relation === "member"
                    ? "pools its groups: a drop in one closes what another opens, and it is drawn in both"
                    : "admits the group's members without pooling: the group is judged alone and drawn as admitted",
                () => {
                    const stack = [
                        group("open"),
                        group("guard"),
                        rule("open-ssh", "open", { policy: "accept", priority: 5 }),
                        rule("guard-ssh", "guard", { policy: "drop", priority: 1 }),
                        ...joining(entry, "m", ["open", "guard"]),
                    ];
                    const graph = buildGraph(joinStack(asStack(stack)));
                    const edges = graph.edges.map((e) => `${e.from} -> ${e.to}`);
                    const node = (id: string) => graphDocument(graph).nodes.find((n) => n.id === id);
                    if (relation === "member") {
                        assert.deepEqual(edges, []);
                        assert.deepEqual(node("open")?.instances, [display]);
                        assert.deepEqual(node("guard")?.instances, [display]);
                    } else {
                        assert.deepEqual(edges, ["internet -> open"]);
                        assert.deepEqual(node("open")?.instances, []);
                        assert.deepEqual(node("open")?.admittedBy, [display]);
                    }
                },
            );

            if (relation === "member") {
                it("joins only groups of its own VPC", async () => {
                    const network = entry.network ?? {};
                    const vswitch: TestResource = {
                        type: VSWITCH,
                        name: "vsw-b",
                        props: { id: "vsw-b", vpcId: "vpc-b" },
                    };
                    const carriers: TestResource[] = [vswitch];
                    let placed: Record<string, unknown>;
                    if (network.vswitch?.[0]) {
                        placed = setAt({}, network.vswitch[0], "vsw-b");
                    } else if (network.vpc?.[0]) {
                        placed = setAt({}, network.vpc[0], "vpc-b");
                    } else {
                        // Through the resource the member shares its network with: a scaling group, a load balancer.
                        const via = network.via?.[0] as string;
                        placed = { [via]: "lb-1" };
                        carriers.push(
                            via === "scalingGroupId"
                                ? {
                                      type: "alicloud:ess/scalingGroup:ScalingGroup",
                                      name: "asg",
                                      props: { id: "lb-1", vswitchIds: ["vsw-b"] },
                                  }
                                : {
                                      type: entry.type.startsWith("alicloud:nlb/")
                                          ? "alicloud:nlb/loadBalancer:LoadBalancer"
                                          : "alicloud:alb/loadBalancer:LoadBalancer",
                                      name: "lb",
                                      props: { id: "lb-1", vpcId: "vpc-b" },
                                  },
                        );
                    }
                    // The load balancer is in the stack now: the member takes its logical name.
                    const shown = entry.memberOf ? `${label} lb` : display;
                    const wrong = await findings(
                        [group("a-group", "vpc-a"), ...carriers, ...joining(entry, "m", ["a-group"], placed)],
                        "disallow-cross-network-membership",
                    );
                    assert.equal(wrong.length, 1, `${JSON.stringify(placed)}: ${wrong.join("\n")}`);
                    assert.match(
                        wrong[0],
                        new RegExp(
                            `^${shown} is in VPC vpc-b \\(through .*\\) but joins security group a-group of VPC vpc-a; `,
                        ),
                    );
                    assert.deepEqual(
                        await findings(
                            [
                                group("b-group", "vpc-b"),
                                ...carriers,
                                ...joining(entry, "m", ["b-group"], placed),
                            ],
                            "disallow-cross-network-membership",
                        ),
                        [],
                    );
                });
            }
        });
    }
});
