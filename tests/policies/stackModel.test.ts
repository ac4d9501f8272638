import * as assert from "assert";
import type { StackValidationArgs } from "@pulumi/policy";
import type { StackResourceInput } from "../../core/stack";
import { sameResources, stackModel } from "../../policies/lib/stack";
import { compliantStack, GROUP, mutate, rule, RULE } from "./fixtures";
import { PackHarness, urnOf, type TestResource } from "./harness";

const STACK = "urn:pulumi:dev::shop";
const WEB = `${STACK}::${GROUP}::web`;
const SSH = `${STACK}::${RULE}::web-ssh`;

/** Stack policy arguments as `@pulumi/policy` builds them for one policy: its own copy of every resource. */
function argsOf(sshCidr: string): StackValidationArgs {
    const web = {
        urn: WEB,
        type: GROUP,
        name: "web",
        props: { vpcId: "vpc-bp1a", securityGroupName: "web" },
    };
    const ssh = {
        urn: SSH,
        type: RULE,
        name: "web-ssh",
        props: rule("web-ssh", "web", { cidrIp: sshCidr }).props,
        // @pulumi/policy hands dependencies as the resource objects themselves.
        propertyDependencies: { securityGroupId: [web] },
    };
    return { resources: [web, ssh] } as unknown as StackValidationArgs;
}

describe("policies/lib/stack: one stack model per AnalyzeStack request", () => {
    it("gives the next stack policy of the same request the model already joined", () => {
        const first = stackModel(argsOf("10.0.0.0/8"));
        const second = stackModel(argsOf("10.0.0.0/8"));
        assert.strictEqual(second, first);
        assert.deepStrictEqual(
            first.groups.map((group) => [group.urn, group.rules.map((rule) => rule.urn)]),
            [[WEB, [SSH]]],
        );
    });

    it("joins again when a single value differs, though every URN is the same", () => {
        const narrow = stackModel(argsOf("10.0.0.0/8"));
        const open = stackModel(argsOf("0.0.0.0/0"));
        assert.notStrictEqual(open, narrow);
        assert.strictEqual(open.rules[0].reading.raw.cidrIp, "0.0.0.0/0");
        assert.strictEqual(narrow.rules[0].reading.raw.cidrIp, "10.0.0.0/8");
    });

    it("forgets the model once the task that joined it ends", async () => {
        const before = stackModel(argsOf("10.0.0.0/8"));
        await new Promise((resolve) => setImmediate(resolve));
        assert.notStrictEqual(stackModel(argsOf("10.0.0.0/8")), before);
    });

    it("compares resources as data, and anything else as different", () => {
        const input = (props: unknown, deps?: readonly unknown[]): StackResourceInput[] => [
            {
                urn: SSH,
                type: RULE,
                name: "web-ssh",
                props,
                propertyDependencies: deps && { securityGroupId: deps },
            },
        ];
        assert.ok(sameResources(input({ ports: [22, { to: 23 }] }), input({ ports: [22, { to: 23 }] })));
        assert.ok(!sameResources(input({ ports: [22] }), input({ ports: [22, 23] })));
        assert.ok(
            !sameResources(input({ ports: [22], tag: undefined }), input({ ports: [22], other: undefined })),
        );
        assert.ok(!sameResources(input({ priority: 0 }), input({ priority: -0 })));
        // A dependency is the URN core reads, whether a string or a resource object.
        assert.ok(sameResources(input({}, [WEB]), input({}, [{ urn: WEB, props: {} }])));
        assert.ok(!sameResources(input({}, [WEB]), input({}, [`${STACK}::${GROUP}::db`])));
        // An asset's path is a promise: two assets are never taken for the same data.
        class FileAsset {
            constructor(readonly path: Promise<string>) {}
        }
        assert.ok(
            !sameResources(
                input({ code: new FileAsset(Promise.resolve("a.zip")) }),
                input({ code: new FileAsset(Promise.resolve("a.zip")) }),
            ),
        );
    });

    it("keeps interleaved AnalyzeStack requests apart through @pulumi/policy's own handler", async () => {
        const office = "bastion-allow-ssh-from-office";
        const safe = compliantStack();
        // On a VPC group an intranet rule from 0.0.0.0/0 admits the Internet.
        const exposed = mutate(safe, office, (props) => ({ ...props, cidrIp: "0.0.0.0/0" }));
        const lines = (found: readonly { policyName: string; urn: string; message: string }[]) =>
            found.map((d) => `${d.policyName} ${d.urn} ${d.message}`).sort();
        const alone = async (stack: readonly TestResource[]) =>
            lines(await new PackHarness().analyzeStack(stack));
        const safeAlone = await alone(safe);
        const exposedAlone = await alone(exposed);
        assert.ok(
            exposedAlone.some((line) =>
                line.startsWith(`disallow-public-risky-ports ${urnOf({ type: RULE, name: office })} `),
            ),
            "SSH from anywhere on the Internet is found when the stack is analyzed alone",
        );
        assert.ok(!safeAlone.some((line) => line.startsWith("disallow-public-risky-ports ")));

        // Both requests in flight at once: their stack policies run in turn, one request's after the other's.
        const harness = new PackHarness();
        const [safeBoth, exposedBoth] = await Promise.all([
            harness.analyzeStack(safe),
            harness.analyzeStack(exposed),
        ]);
        assert.deepStrictEqual(lines(safeBoth), safeAlone);
        assert.deepStrictEqual(lines(exposedBoth), exposedAlone);
    });
});
