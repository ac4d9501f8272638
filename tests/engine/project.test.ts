import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { GateError } from "../../engine/errors";
import { loadProject } from "../../engine/project";

function project(files: Record<string, string>): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "project-"));
    for (const [name, content] of Object.entries(files)) {
        fs.writeFileSync(path.join(dir, name), content);
    }
    return dir;
}

function rejects(fn: () => unknown, pattern: RegExp): void {
    assert.throws(fn, (err: unknown) => err instanceof GateError && pattern.test(err.message));
}

describe("engine/project: loadProject", () => {
    it("namespaces config as the CLI does and lets --config override the stack file", () => {
        const dir = project({
            "Pulumi.yaml":
                "name: shop\nruntime: nodejs\nmain: app.ts\nconfig:\n  region:\n    default: cn-hangzhou\n",
            "Pulumi.prod.yaml":
                "config:\n  shop:replicas: 3\n  alicloud:region: cn-beijing\n  shop:tags:\n    team: web\n  shop:name: api\n",
            "app.ts": "",
        });
        const settings = loadProject(dir, { stack: "prod", config: ["name=web", "other:flag=true"] });
        assert.deepStrictEqual(settings.config, {
            "shop:region": "cn-hangzhou",
            "shop:replicas": "3",
            "alicloud:region": "cn-beijing",
            "shop:tags": '{"team":"web"}',
            "shop:name": "web",
            "other:flag": "true",
        });
        assert.strictEqual(settings.program, path.join(dir, "app.ts"));
        assert.deepStrictEqual([settings.name, settings.stack], ["shop", "prod"]);
    });

    it("defaults the stack to dev and tolerates its missing file", () => {
        const dir = project({ "Pulumi.yaml": "name: shop\nruntime: nodejs\n" });
        const settings = loadProject(dir);
        assert.deepStrictEqual([settings.stack, settings.program, settings.config], ["dev", dir, {}]);
    });

    it("runs a stack without its Pulumi.<stack>.yaml as dev runs without one: project defaults and --config only", () => {
        const dir = project({
            "Pulumi.yaml": "name: shop\nruntime: nodejs\nconfig:\n  region:\n    default: cn-hangzhou\n",
            "Pulumi.dev.yaml": "config:\n  shop:owner: team-dev\n",
        });
        const settings = loadProject(dir, { stack: "prod", config: ["replicas=2"] });
        assert.deepStrictEqual(
            [settings.stack, settings.config],
            ["prod", { "shop:region": "cn-hangzhou", "shop:replicas": "2" }],
        );
    });

    it("refuses secure values it cannot decrypt unless --config gives them", () => {
        const files = {
            "Pulumi.yaml": "name: shop\nruntime: nodejs\n",
            "Pulumi.dev.yaml": "config:\n  shop:token:\n    secure: AAABAKx8\n",
        };
        rejects(
            () => loadProject(project(files)),
            /secure config shop:token cannot be decrypted offline.*--config token=VALUE/,
        );
        const settings = loadProject(project(files), { config: ["token=t0k"] });
        assert.strictEqual(settings.config["shop:token"], "t0k");
        assert.deepStrictEqual(settings.secretKeys, ["shop:token"]);
    });

    it("names the field and value of a bad project", () => {
        rejects(() => loadProject(project({})), /no Pulumi.yaml/);
        rejects(
            () => loadProject(project({ "Pulumi.yaml": "name: shop\nruntime: python\n" })),
            /runtime must be nodejs.*\(got "python"\)/,
        );
        rejects(
            () => loadProject(project({ "Pulumi.yaml": "runtime: nodejs\n" })),
            /name must be a non-empty string \(got undefined\)/,
        );
        rejects(
            () => loadProject(project({ "Pulumi.yaml": "name: a\nruntime: nodejs\nmain: gone.ts\n" })),
            /main "gone.ts" does not exist/,
        );
        rejects(
            () => loadProject(project({ "Pulumi.yaml": "name: a\nruntime: nodejs\n" }), { config: ["x"] }),
            /--config must be KEY=VALUE \(got "x"\)/,
        );
    });
});
