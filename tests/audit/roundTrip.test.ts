import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { loadProject } from "../../engine/project";
import { runProgram } from "../../engine/runProgram";
import { alicloudSg, preview, ROOT, type GateRun } from "../examples/gate";
import { deploymentOf } from "./deployment";
import { removeTemps, writeTemp } from "./exports";

/**
 * What the gate says before a program deploys, the audit says of its deployment: for every example, a stack
 * export built from what the gate records (inputs as inputs, ids and outputs filled as a deployment would) gets
 * the same mandatory findings from `audit --stack-export` as the program gets from `preview`.
 */

const EXAMPLES = fs
    .readdirSync(path.join(ROOT, "examples"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort();

/** The mandatory findings each example's README states. */
const MANDATORY: Record<string, number> = {
    "classic-network": 0,
    "cross-account": 0,
    "declarative-tiers": 0,
    "raw-resources": 4,
    "three-tier": 0,
    violations: 8,
    "web-redis": 0,
};

function mandatory(run: GateRun): string[] {
    assert.ok(run.report, `no report (exit ${run.code}): ${run.stderr}`);
    return (
        run.report.violations as unknown as {
            enforcementLevel: string;
            policyName: string;
            urn: string;
            message: string;
        }[]
    )
        .filter((v) => v.enforcementLevel === "mandatory")
        .map((v) => `${v.policyName} ${v.urn}\n${v.message}`)
        .sort();
}

describe("audit of a deployed example finds what preview found", function () {
    this.timeout(900_000);
    after(removeTemps);

    it("covers every example", () => {
        assert.deepStrictEqual(EXAMPLES, Object.keys(MANDATORY).sort());
    });

    for (const name of EXAMPLES) {
        it(name, async () => {
            const dir = path.join(ROOT, "examples", name);
            const project = loadProject(dir);
            const [recorded, previewed] = await Promise.all([runProgram(project), preview(dir)]);
            const file = writeTemp(
                `${name}.json`,
                deploymentOf(recorded.resources, {
                    project: project.name,
                    stack: project.stack,
                    projectDir: project.dir,
                }),
            );
            const audited = await alicloudSg(["audit", "--stack-export", file, "--format", "json"]);
            assert.strictEqual(audited.code, previewed.code, audited.stderr);
            const expected = mandatory(previewed);
            assert.strictEqual(expected.length, MANDATORY[name]);
            assert.deepStrictEqual(mandatory(audited), expected);
        });
    }
});
