import * as assert from "node:assert/strict";
import fc from "fast-check";
import { POLICIES } from "../../policies/policies";
import { PackConfig, PackHarness, secret, TestResource, UNKNOWN_WIRE } from "./harness";
import { ENI, GROUP, INSTANCE, INSTANCE_SET, LAUNCH_TEMPLATE, RULE, SCALING_CONFIGURATION } from "./fixtures";

const TYPES = [
    GROUP,
    RULE,
    RULE,
    RULE,
    INSTANCE,
    ENI,
    INSTANCE_SET,
    LAUNCH_TEMPLATE,
    SCALING_CONFIGURATION,
    "random:x:Y",
];
const FIELDS = [
    "type",
    "ipProtocol",
    "portRange",
    "policy",
    "priority",
    "nicType",
    "cidrIp",
    "ipv6CidrIp",
    "sourceSecurityGroupId",
    "sourceGroupOwnerId",
    "sourceGroupOwnerAccount",
    "prefixListId",
    "securityGroupId",
    "securityGroupIds",
    "securityGroups",
    "networkInterfaces",
    "vpcId",
    "securityGroupType",
    "tags",
    "description",
    "securityGroupName",
    "name",
    "innerAccessPolicy",
    "innerAccess",
    "id",
];
const NAMES = ["a", "b", "c", "d"];
const HUGE_LIST = Array.from({ length: 3000 }, (_, i) => `sg-${i}`);

const scalar = fc.oneof(
    fc.constantFrom(
        UNKNOWN_WIRE,
        "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
        "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
        "ingress",
        "egress",
        "tcp",
        "ALL",
        "icmp",
        "22/22",
        "-1/-1",
        "200/1",
        "1/65535",
        "0.0.0.0/0",
        "::/0",
        "10.0.0.0/8",
        "10.0.0.999/8",
        "accept",
        "drop",
        "intranet",
        "internet",
        "enterprise",
        "Accept",
        "Drop",
        "",
        "a-id",
    ),
    fc.string({ maxLength: 12 }),
    fc.integer({ min: -5, max: 70000 }),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
);

const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
    value: fc.oneof(
        { depthSize: "small", withCrossShrink: true },
        { arbitrary: scalar, weight: 12 },
        { arbitrary: fc.array(tie("value"), { maxLength: 4 }), weight: 3 },
        {
            arbitrary: fc.dictionary(fc.constantFrom(...FIELDS, "owner", ""), tie("value"), { maxKeys: 4 }),
            weight: 2,
        },
        { arbitrary: tie("value").map((inner) => secret(inner)), weight: 2 },
        { arbitrary: fc.constant(HUGE_LIST), weight: 1 },
    ),
})).value;

const resource: fc.Arbitrary<TestResource> = fc.record({
    type: fc.constantFrom(...TYPES),
    name: fc.constantFrom(...NAMES),
    props: fc.dictionary(fc.constantFrom(...FIELDS), value, { maxKeys: 10 }),
    propertyDependencies: fc.dictionary(
        fc.constantFrom(...FIELDS),
        fc.array(fc.constantFrom(...NAMES, "urn:x"), { maxLength: 3 }),
        {
            maxKeys: 3,
        },
    ),
});

describe("policies on random property bags", () => {
    for (const [label, config] of [
        ["default levels", {}],
        [
            "everything mandatory, tags remediated",
            { all: "mandatory", "missing-security-group-tags": "remediate" },
        ],
    ] as [string, PackConfig][]) {
        it(`never let an exception escape (${label})`, async function () {
            this.timeout(180_000);
            const harness = new PackHarness(POLICIES);
            await harness.configure(config);
            let bags = 0;
            await fc.assert(
                fc.asyncProperty(
                    fc.uniqueArray(resource, { maxLength: 8, selector: (r) => `${r.type}/${r.name}` }),
                    async (stack) => {
                        bags += stack.length;
                        for (const r of stack) {
                            await harness.remediate(r);
                            await harness.analyze(r);
                        }
                        await harness.analyzeStack(stack);
                    },
                ),
                { numRuns: 300 },
            );
            assert.ok(bags > 1000, `only ${bags} property bags were tried`);
        });
    }
});
