import * as assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import { RedisGroupFromSource, WebTierGroup } from "../../components";
import { installMocks, Registered, resetRegistrations, settle } from "./harness";

function resolved<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) => output.apply(resolve));
}

/**
 * The URNs a renamed component's children answer to: the SDK's own alias inheritance (`allAliases`), which
 * the engine applies for structured aliases, rewriting the `<old name>-` prefix of each child's name.
 */
async function childAliasUrns(
    component: pulumi.ComponentResource,
    name: string,
    children: readonly Registered[],
) {
    const urns: string[] = [];
    for (const child of children) {
        for (const alias of pulumi.allAliases([], child.name, child.type, component, name)) {
            urns.push(await resolved(alias));
        }
    }
    return urns.sort();
}

const cases: [string, (name: string, opts?: pulumi.ComponentResourceOptions) => pulumi.ComponentResource][] =
    [
        [
            "WebTierGroup",
            (name, opts) =>
                new WebTierGroup(
                    name,
                    { vpcId: "vpc-1", tags: { owner: "web" }, adminAccess: { from: ["sg-bastion"] } },
                    opts,
                ),
        ],
        [
            "RedisGroupFromSource",
            (name, opts) =>
                new RedisGroupFromSource(
                    name,
                    { vpcId: "vpc-1", tags: { owner: "web" }, sources: ["sg-web"] },
                    opts,
                ),
        ],
    ];

describe("components: renaming with aliases keeps every child's URN", () => {
    before(installMocks);

    for (const [label, build] of cases) {
        it(`maps every child of a renamed ${label} to its old URN`, async () => {
            resetRegistrations();
            build("web");
            const before = await settle();
            const oldComponent = before.find((r) => r.parent === "");
            const oldChildUrns = before
                .filter((r) => r.parent !== "")
                .map((r) => r.urn)
                .sort();

            resetRegistrations();
            const renamed = build("frontend", { aliases: [{ name: "web" }] });
            const after = await settle();
            const children = after.filter((r) => r.parent !== "");
            assert.strictEqual(children.length, oldChildUrns.length);
            assert.ok(
                children.every((child) => child.name.startsWith("frontend")),
                "children carry the new name",
            );
            assert.deepStrictEqual(await childAliasUrns(renamed, "frontend", children), oldChildUrns);
            const componentAlias = await resolved(
                pulumi.createUrn("web", after.find((r) => r.parent === "")?.type as string),
            );
            assert.strictEqual(componentAlias, oldComponent?.urn);
        });
    }
});
