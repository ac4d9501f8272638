import * as assert from "node:assert/strict";
import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import { RedisGroupFromSource, SecureGroup, ServiceGroupFromSource, WebTierGroup } from "../../components";
import { Diagnostic, PackHarness, TestResource, urnOf } from "./harness";

interface Recorded {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly inputs: Record<string, unknown>;
    readonly propertyDependencies: Record<string, string[]>;
}

interface RegisterRequest {
    getType(): string;
    getName(): string;
    getObject(): { toJavaScript(): Record<string, unknown> } | undefined;
    getPropertydependenciesMap(): { entries(): Iterable<[string, { getUrnsList(): string[] }]> };
}

/**
 * Runs a program under the SDK's mocks in preview, recording each registration with the property
 * dependencies the SDK computed: the same joins the engine hands the pack. Ids stay unknown, as in preview.
 */
async function record(program: () => void): Promise<Recorded[]> {
    const recorded: Recorded[] = [];
    let pending = 0;
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => ({ id: args.custom ? `${args.name}-id` : undefined, state: args.inputs }),
            call: (args) => args.inputs,
        },
        "project",
        "stack",
        true,
    );
    const monitor = pulumi.runtime.getMonitor() as unknown as {
        registerResource(
            req: RegisterRequest,
            callback: (err: unknown, res: { getUrn(): string }) => void,
        ): void;
    };
    const original = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req, callback) => {
        pending++;
        original(req, (err, res) => {
            pending--;
            if (!err) {
                const deps: Record<string, string[]> = {};
                for (const [key, value] of req.getPropertydependenciesMap().entries()) {
                    deps[key] = value.getUrnsList();
                }
                recorded.push({
                    type: req.getType(),
                    name: req.getName(),
                    urn: res.getUrn(),
                    inputs: req.getObject()?.toJavaScript() ?? {},
                    propertyDependencies: deps,
                });
            }
            callback(err, res);
        });
    };
    program();
    for (let quiet = 0; quiet < 20;) {
        await new Promise((resolve) => setImmediate(resolve));
        quiet = pending === 0 ? quiet + 1 : 0;
    }
    return recorded;
}

/** The recorded resources as the harness sends them, dependencies rewritten to the harness's URNs. */
function toStack(recorded: readonly Recorded[]): TestResource[] {
    const urns = new Map(recorded.map((r) => [r.urn, urnOf(r)]));
    return recorded.map((r) => ({
        type: r.type,
        name: r.name,
        props: r.inputs,
        propertyDependencies: Object.fromEntries(
            Object.entries(r.propertyDependencies).map(([key, list]) => [
                key,
                list.map((urn) => urns.get(urn) ?? urn),
            ]),
        ),
    }));
}

const format = (found: readonly Diagnostic[]) => found.map((d) => `${d.policyName}: ${d.message}`);

describe("policies on every component default", () => {
    it("finds nothing in a stack of every component with its defaults, in a VPC, with instances", async () => {
        const recorded = await record(() => {
            const tags = { owner: "team-shop" };
            const web = new WebTierGroup("web", { vpcId: "vpc-1", tags });
            const cache = new RedisGroupFromSource("cache", { vpcId: "vpc-1", tags, sources: [web] });
            const db = new ServiceGroupFromSource("db", {
                vpcId: "vpc-1",
                tags,
                service: "mysql",
                sources: [web],
            });
            const plain = new SecureGroup("plain", { vpcId: "vpc-1", tags });
            for (const [name, group] of [
                ["vm-web", web],
                ["vm-cache", cache],
                ["vm-db", db],
                ["vm-plain", plain],
            ] as const) {
                new alicloud.ecs.Instance(name, {
                    instanceType: "ecs.g7.large",
                    imageId: "aliyun_3_x64_20G_alibase",
                    vswitchId: "vsw-1",
                    securityGroups: [group.securityGroupId],
                });
            }
        });
        const stack = toStack(recorded);
        assert.ok(
            stack.filter((r) => r.type === "alicloud:ecs/securityGroupRule:SecurityGroupRule").length >= 8,
        );
        const instances = stack.filter((r) => r.type === "alicloud:ecs/instance:Instance");
        assert.deepEqual(
            instances.map((r) => r.propertyDependencies?.securityGroups?.length),
            [1, 1, 1, 1],
            "the SDK reports which group each instance joins",
        );
        const harness = new PackHarness();
        await harness.configure({});
        assert.deepEqual(format(await harness.preview(stack)), []);
    });

    it("draws only missing-vpc on classic-network groups asked for with classicNetwork, which the catalog advises against", async () => {
        const recorded = await record(() => {
            const tags = { owner: "team-shop" };
            const web = new WebTierGroup("web", { classicNetwork: true, tags });
            const cache = new RedisGroupFromSource("cache", { classicNetwork: true, tags, sources: [web] });
            for (const [name, group] of [
                ["vm-web", web],
                ["vm-cache", cache],
            ] as const) {
                new alicloud.ecs.Instance(name, {
                    instanceType: "ecs.g7.large",
                    securityGroups: [group.securityGroupId],
                });
            }
        });
        const harness = new PackHarness();
        await harness.configure({});
        const found = await harness.preview(toStack(recorded));
        assert.deepEqual(
            found.map((d) => `${d.enforcementLevel} ${d.policyName}`),
            ["advisory missing-vpc", "advisory missing-vpc"],
        );
    });

    it("still judges the recorded stack: opening SSH to the Internet on the web tier is caught", async () => {
        const recorded = await record(() => {
            const web = new WebTierGroup("web", { vpcId: "vpc-1", tags: { owner: "team-shop" } });
            new alicloud.ecs.SecurityGroupRule("web-ssh", {
                type: "ingress",
                ipProtocol: "tcp",
                portRange: "22/22",
                policy: "accept",
                priority: 1,
                nicType: "intranet",
                cidrIp: "0.0.0.0/0",
                securityGroupId: web.securityGroupId,
            });
        });
        const harness = new PackHarness();
        await harness.configure({});
        const found = (await harness.preview(toStack(recorded))).filter(
            (d) => d.enforcementLevel === "mandatory",
        );
        assert.deepEqual(
            found.map((d) => d.policyName),
            ["disallow-broad-intranet-cidr", "disallow-public-risky-ports"],
        );
        assert.match(
            found[1].message,
            /Rule web-ssh allows tcp 22 from 0\.0\.0\.0\/0 at priority 1, so the open Internet reaches risky port 22 on security group web;/,
        );
    });
});
