/**
 * Conformance: the violations the gate gets over gRPC from a pack process equal those from calling the same
 * pack's policies in-process through @pulumi/policy's own analyzer handlers (`makeAnalyzeRpcFun` and friends,
 * captured as the pack registers them), on the same recorded stacks and the same reconciled config.
 */
import * as assert from "assert";
import { createRequire } from "module";
import * as path from "path";
import { loadProject, type ProjectSettings } from "../../engine/project";
import { reconcile, type PolicyPackConfigFile } from "../../engine/policyConfig";
import { runPacks } from "../../engine/runPacks";
import { runProgram } from "../../engine/runProgram";
import type { RecordedResource } from "../../engine/types";
import { toAnalyzerProperties } from "../../engine/wire";

/* eslint-disable @typescript-eslint/no-explicit-any -- the captured handlers and messages are untyped here */
type Handler = (call: { request: any }, callback: (err: unknown, response?: any) => void) => void;

const ROOT = path.resolve(__dirname, "..", "..");
const FIXTURES = path.join(ROOT, "tests", "fixtures");
const LEVELS = ["advisory", "mandatory", "disabled", "remediate"];

/** Loads `packDir` in this process with its gRPC server replaced by a recorder of the handlers it serves. */
function captureHandlers(packDir: string): {
    handlers: Record<string, Handler>;
    pb: any;
    struct: any;
    empty: any;
} {
    const policyDir = path.dirname(require.resolve("@pulumi/policy/package.json", { paths: [packDir] }));
    const policyRequire = createRequire(path.join(policyDir, "package.json"));
    const grpc = policyRequire("@grpc/grpc-js");
    const pb = policyRequire("@pulumi/pulumi/proto/analyzer_pb");
    const struct = policyRequire("google-protobuf/google/protobuf/struct_pb");
    const empty = policyRequire("google-protobuf/google/protobuf/empty_pb");
    // @pulumi/policy serves one pack per process: a fresh copy of it (and of the pack) for every capture.
    for (const key of Object.keys(require.cache)) {
        if (key.startsWith(policyDir + path.sep) || key.startsWith(packDir + path.sep)) {
            delete require.cache[key];
        }
    }
    let handlers: Record<string, Handler> | undefined;
    const { addService, bindAsync } = grpc.Server.prototype;
    grpc.Server.prototype.addService = function (_service: unknown, implementation: Record<string, Handler>) {
        handlers = implementation;
    };
    grpc.Server.prototype.bindAsync = function () {};
    const cwd = process.cwd();
    try {
        // The pack reads its version from ./package.json, as under the runner.
        process.chdir(packDir);
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading the pack is the point
        require(packDir);
    } finally {
        process.chdir(cwd);
        grpc.Server.prototype.addService = addService;
        grpc.Server.prototype.bindAsync = bindAsync;
    }
    assert.ok(handlers, `${packDir} registered an analyzer`);
    return { handlers, pb, struct, empty };
}

function invoke(handler: Handler, request: unknown): Promise<any> {
    return new Promise((resolve, reject) =>
        handler({ request }, (err, response) => (err ? reject(err) : resolve(response))),
    );
}

/** The direct path: the same protocol steps, as plain function calls into the pack's handlers. */
async function analyzeDirectly(
    packDir: string,
    resources: readonly RecordedResource[],
    userConfig: PolicyPackConfigFile,
): Promise<string[]> {
    const { handlers, pb, struct, empty } = captureHandlers(packDir);
    const info = await invoke(handlers.getAnalyzerInfo, new empty.Empty());
    const reconciled = reconcile(
        info.getName(),
        info.getPoliciesList().map((p: any) => ({
            name: p.getName(),
            enforcementLevel: LEVELS[p.getEnforcementlevel()],
            ...(p.getConfigschema()
                ? {
                      properties: p.getConfigschema().getProperties()?.toJavaScript() ?? {},
                      required: p.getConfigschema().getRequiredList(),
                  }
                : {}),
        })),
        {},
        userConfig,
        "test config",
    );
    const configure = new pb.ConfigureAnalyzerRequest();
    for (const [name, { enforcementLevel, properties }] of reconciled) {
        const entry = new pb.PolicyConfig();
        entry.setEnforcementlevel(LEVELS.indexOf(enforcementLevel));
        entry.setProperties(struct.Struct.fromJavaScript(properties));
        configure.getPolicyconfigMap().set(name, entry);
    }
    await invoke(handlers.configure, configure);

    const options = (resource: RecordedResource): any => {
        const opts = new pb.AnalyzerResourceOptions();
        opts.setParent(resource.parent ?? "");
        return opts;
    };
    const found: string[] = [];
    const record = (response: any, urn: string): void => {
        for (const d of response.getDiagnosticsList()) {
            found.push(
                `${LEVELS[d.getEnforcementlevel()]} ${d.getPolicyname()} ${d.getUrn() || urn} ${d.getMessage()}`,
            );
        }
    };
    const planned = new Map<string, Record<string, unknown>>();
    for (const resource of resources.filter((r) => !r.external)) {
        const request = (inputs: Record<string, unknown>): any => {
            const req = new pb.AnalyzeRequest();
            req.setType(resource.type);
            req.setName(resource.name);
            req.setUrn(resource.urn);
            req.setProperties(struct.Struct.fromJavaScript(toAnalyzerProperties(inputs)));
            req.setOptions(options(resource));
            return req;
        };
        let inputs = resource.inputs;
        const remediated = await invoke(handlers.remediate, request(inputs));
        for (const remediation of remediated.getRemediationsList()) {
            inputs = remediation.getProperties()?.toJavaScript() ?? inputs;
        }
        planned.set(resource.urn, inputs);
        record(await invoke(handlers.analyze, request(inputs)), resource.urn);
    }
    const stack = new pb.AnalyzeStackRequest();
    stack.setResourcesList(
        resources.map((resource) => {
            const r = new pb.AnalyzerResource();
            r.setType(resource.type);
            r.setName(resource.name);
            r.setUrn(resource.urn);
            const props = resource.custom
                ? (planned.get(resource.urn) ?? resource.outputs)
                : resource.outputs;
            r.setProperties(struct.Struct.fromJavaScript(toAnalyzerProperties(props)));
            r.setOptions(options(resource));
            r.setParent(resource.parent ?? "");
            r.setDependenciesList(resource.dependencies);
            for (const [key, urns] of Object.entries(resource.propertyDependencies)) {
                const deps = new pb.AnalyzerPropertyDependencies();
                deps.setUrnsList(urns);
                r.getPropertydependenciesMap().set(key, deps);
            }
            return r;
        }),
    );
    record(await invoke(handlers.analyzeStack, stack), "");
    return found.sort();
}

async function analyzeOverGrpc(
    project: ProjectSettings,
    packDir: string,
    resources: readonly RecordedResource[],
    userConfig: PolicyPackConfigFile,
): Promise<string[]> {
    const outcome = await runPacks(project, resources, {
        packs: [packDir],
        configs: [{ label: "test config", config: userConfig }],
    });
    return outcome.packs[0].violations
        .map((v) => `${v.enforcementLevel} ${v.policyName} ${v.urn ?? ""} ${v.message}`)
        .sort();
}

describe("conformance: gRPC path equals @pulumi/policy's own analyze functions", function () {
    this.timeout(300_000);
    const stacks: { label: string; project: ProjectSettings; resources: RecordedResource[] }[] = [];

    before(async () => {
        for (const [dir, stack] of [
            [path.join(FIXTURES, "programs", "violations"), "dev"],
            [path.join(FIXTURES, "programs", "wire"), "ci"],
            [ROOT, undefined],
        ] as const) {
            const project = loadProject(dir, { stack });
            const run = await runProgram(project);
            stacks.push({ label: `${project.name}/${project.stack}`, project, resources: run.resources });
        }
    });

    const cases: { pack: string; config: PolicyPackConfigFile }[] = [
        { pack: path.join(ROOT, "policies"), config: {} },
        { pack: path.join(FIXTURES, "packs", "basic"), config: {} },
        {
            pack: path.join(FIXTURES, "packs", "basic"),
            config: { all: "mandatory", "fixture-max-groups": { maxGroups: 1 } },
        },
    ];

    for (const { pack, config } of cases) {
        it(`${path.relative(ROOT, pack)} with config ${JSON.stringify(config)}`, async () => {
            let total = 0;
            for (const { label, project, resources } of stacks) {
                const overGrpc = await analyzeOverGrpc(project, pack, resources, config);
                const direct = await analyzeDirectly(pack, resources, config);
                assert.deepStrictEqual(overGrpc, direct, label);
                total += direct.length;
            }
            assert.ok(total > 0, "the stacks produce violations, so equality is not vacuous");
        });
    }
});
