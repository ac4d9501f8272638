import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { preview } from "../../engine/preview";

const FIXTURES = path.resolve(__dirname, "..", "fixtures");
const MARKER_ENV = "ALICLOUD_SG_TEST_ANALYZED_MARKER";

describe("engine/preview: each resource is analyzed as soon as it is registered", function () {
    this.timeout(120_000);
    let tmp: string;

    beforeEach(() => {
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "alicloud-sg-streaming-"));
        process.env[MARKER_ENV] = path.join(tmp, "analyzed.txt");
    });

    afterEach(() => {
        delete process.env[MARKER_ENV];
        fs.rmSync(tmp, { recursive: true, force: true });
    });

    it("analyzes a resource while the program is still running", async () => {
        // The program waits, before registering its second group, until the pack has analyzed its first: it
        // finishes only if Analyze runs while it runs.
        const { report } = await preview({
            projectDir: path.join(FIXTURES, "programs", "awaits-analysis"),
            policyPacks: [path.join(FIXTURES, "packs", "marker")],
        });
        const analyzed = fs
            .readFileSync(process.env[MARKER_ENV] as string, "utf8")
            .trim()
            .split("\n");
        assert.deepStrictEqual(analyzed, ["sg-first", "sg-second"]);
        // Reported in registration order, each under its own resource.
        const reported = report.document.violations.map((v) => [v.urn?.split("::").pop(), v.message]);
        assert.deepStrictEqual(
            reported.map(([name, message]) => [name, message?.endsWith(`analyzed ${name}`)]),
            [
                ["sg-first", true],
                ["sg-second", true],
            ],
        );
    });
});
