import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GateError } from "../../engine/errors";
import { listTemplates, newProject } from "../../engine/newProject";

function refusal(run: () => unknown): string {
    try {
        run();
    } catch (err) {
        assert.ok(err instanceof GateError, String(err));
        return err.message;
    }
    throw new Error("accepted");
}

describe("engine/newProject: alicloud-sg new TEMPLATE DIR", () => {
    let tmp: string;
    beforeEach(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "new-project-"));
    });
    afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

    it("offers the package's templates", () => {
        assert.deepStrictEqual(listTemplates(), ["three-tier", "tiers-from-config"]);
    });

    it("refuses, before writing anything, an unknown template, a used directory, a bad name and an unanswered prompt", () => {
        assert.strictEqual(
            refusal(() => newProject({ template: "three-tiers", dir: path.join(tmp, "a") })),
            'unknown template "three-tiers" (templates: three-tier, tiers-from-config)',
        );
        fs.writeFileSync(path.join(tmp, "existing.txt"), "mine");
        assert.strictEqual(
            refusal(() => newProject({ template: "three-tier", dir: tmp, config: ["vpcId=vpc-1"] })),
            `${tmp} is not empty: give a new or empty directory`,
        );
        assert.strictEqual(
            refusal(() =>
                newProject({
                    template: "three-tier",
                    dir: path.join(tmp, "my tiers"),
                    config: ["vpcId=vpc-1"],
                }),
            ),
            'the project name must be letters, digits, - _ . (got "my tiers"); give one with --name',
        );
        assert.strictEqual(
            refusal(() => newProject({ template: "three-tier", dir: path.join(tmp, "b") })),
            "template three-tier needs vpcId (The VPC the three groups belong to (vpc-...)): give --config vpcId=VALUE",
        );
        assert.strictEqual(
            refusal(() =>
                newProject({ template: "three-tier", dir: path.join(tmp, "c"), config: ["vpcId"] }),
            ),
            '--config must be KEY=VALUE (got "vpcId")',
        );
        assert.deepStrictEqual(fs.readdirSync(tmp), ["existing.txt"]);
    });
});
