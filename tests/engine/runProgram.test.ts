import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { GateError } from "../../engine/errors";
import { loadProject } from "../../engine/project";
import { runProgram } from "../../engine/runProgram";
import type { ProgramRun, RecordedResource } from "../../engine/types";
import { RESOURCE_REF_SIG, SECRET_SIG, SIG_KEY, UNKNOWN_SENTINEL } from "../../core/wire";

const FIXTURES = path.resolve(__dirname, "..", "fixtures", "programs");
const wireProgram = path.join(FIXTURES, "wire", "program.ts");

describe("engine/runProgram: recording a program under the mock runtime", function () {
    this.timeout(120_000);
    let run: ProgramRun;
    const byName = (name: string): RecordedResource => {
        const found = run.resources.find((r) => r.name === name);
        assert.ok(found, `${name} recorded`);
        return found;
    };
    const urn = (qualifiedType: string, name: string): string =>
        `urn:pulumi:ci::fixture-wire::${qualifiedType}::${name}`;
    const platform = urn("fixture:index:Platform", "platform");
    const tier = urn("fixture:index:Platform$fixture:index:Tier", "app");
    const group = urn(
        "fixture:index:Platform$fixture:index:Tier$alicloud:ecs/securityGroup:SecurityGroup",
        "app-sg",
    );
    const provider = urn("pulumi:providers:alicloud", "hangzhou");

    before(async () => {
        run = await runProgram(loadProject(path.join(FIXTURES, "wire"), { stack: "ci" }));
    });

    it("records exactly the registered resources, and nothing the engine would add", () => {
        assert.deepStrictEqual(run.resources.map((r) => `${r.type}::${r.name}`).sort(), [
            "alicloud:ecs/securityGroup:SecurityGroup::app-sg",
            "alicloud:ecs/securityGroup:SecurityGroup::existing",
            "alicloud:ecs/securityGroupRule:SecurityGroupRule::platform-allow-https",
            "fixture:index:Platform::platform",
            "fixture:index:Tier::app",
            "pulumi:providers:alicloud::hangzhou",
        ]);
        assert.ok(
            !run.resources.some(
                (r) =>
                    r.type === "pulumi:pulumi:Stack" ||
                    (r.type === "pulumi:providers:alicloud" && r.name === "default"),
            ),
        );
        assert.deepStrictEqual([run.project, run.stack], ["fixture-wire", "ci"]);
    });

    it("builds URNs from the parent's full type chain, as the engine does", () => {
        assert.deepStrictEqual(
            [byName("platform").urn, byName("app").urn, byName("app-sg").urn],
            [platform, tier, group],
        );
        assert.deepStrictEqual(
            [byName("app").parent, byName("app-sg").parent, byName("platform").parent],
            [platform, tier, null],
        );
    });

    it("records dependencies and property dependencies (a component dependency expands to its children)", () => {
        const rule = byName("platform-allow-https");
        assert.deepStrictEqual(rule.dependencies, [group]);
        assert.deepStrictEqual(rule.propertyDependencies.securityGroupId, [group]);
        assert.deepStrictEqual(rule.propertyDependencies.cidrIp, []);
    });

    it("keeps preview unknowns, secrets and resource references in wire form", () => {
        const rule = byName("platform-allow-https");
        assert.strictEqual(
            rule.inputs.securityGroupId,
            UNKNOWN_SENTINEL,
            "a new group's id is unknown in a preview",
        );
        assert.strictEqual(rule.inputs.cidrIp, "0.0.0.0/0");
        const sg = byName("app-sg");
        assert.deepStrictEqual(sg.inputs.description, { [SIG_KEY]: SECRET_SIG, value: "token of 16 chars" });
        assert.deepStrictEqual(sg.inputs.tags, {
            costCenter: "42",
            team: "platform",
            stack: "ci",
            project: "fixture-wire",
        });
        const outputs = byName("app").outputs as Record<string, Record<string, unknown>>;
        assert.strictEqual(outputs.group[SIG_KEY], RESOURCE_REF_SIG);
        assert.strictEqual(outputs.group.urn, group);
        assert.strictEqual(outputs.groupId, UNKNOWN_SENTINEL);
    });

    it("records the explicit provider reference and reads of existing resources", () => {
        assert.strictEqual(byName("app-sg").provider, `${provider}::${UNKNOWN_SENTINEL}`);
        assert.strictEqual(byName("platform").provider, null);
        const existing = byName("existing");
        assert.strictEqual(existing.external, true);
        assert.deepStrictEqual(existing.inputs, { id: "sg-0123456789abcdef" });
    });

    it("records the source position of each resource in the program", () => {
        const source = byName("app-sg").source;
        assert.strictEqual(source?.file, wireProgram);
        const lines = fs.readFileSync(wireProgram, "utf8").split("\n");
        assert.ok(
            lines[(source?.line ?? 0) - 1].includes("new alicloud.ecs.SecurityGroup("),
            `line ${source?.line}`,
        );
    });

    it("fails with the program's own message and location", async () => {
        const program = path.join(FIXTURES, "throws", "index.ts");
        const line =
            fs
                .readFileSync(program, "utf8")
                .split("\n")
                .findIndex((l) => l.startsWith("throw new Error")) + 1;
        await assert.rejects(runProgram(loadProject(path.dirname(program))), (err: unknown) => {
            assert.ok(err instanceof GateError && err.kind === "program");
            assert.strictEqual(
                err.message,
                `program failed: fixture program refuses to run: missing region (at index.ts:${line}:7)`,
            );
            return true;
        });
    });
});
