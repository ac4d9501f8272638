import * as path from "path";
import { childHeapArgs, HEAP_SHARE, stackPackHeapMb } from "../childHeap";
import { GateError } from "../errors";
import { graphOfResources } from "../graph/model";
import type { GateOutput } from "../output";
import type { StackGraph } from "../graph";
import { packSelection, type PreviewOptions, type PreviewResult } from "../preview";
import { DEFAULT_ORGANIZATION, type ProjectSettings } from "../project";
import { buildReport, exitCodeFor, type ReportOrigin } from "../report";
import { timed, writeProfile } from "../profile";
import { runPacks } from "../runPacks";
import type { PackResult } from "../types";
import { loadAliyunDir } from "./aliyun";
import type { LoadedStack } from "./source";
import { loadStackExport } from "./stackExport";

export { loadAliyunDir } from "./aliyun";
export { loadStackExport } from "./stackExport";
export type { LoadedStack } from "./source";

/** What is deployed: a `pulumi stack export` file, or a directory of `aliyun` CLI responses. Exactly one. */
export interface AuditSource {
    readonly stackExport?: string;
    readonly aliyun?: string;
    /** Where diagnostics go and the run's secrets: a plaintext secret of an export is recorded there. */
    readonly output?: GateOutput;
}

export interface AuditOptions
    extends AuditSource, Pick<PreviewOptions, "policyPacks" | "policyPackConfigs" | "packCallTimeoutMs"> {}

/** Reads the one source given. */
export function loadAuditSource(source: AuditSource): LoadedStack {
    if ((source.stackExport === undefined) === (source.aliyun === undefined)) {
        throw new GateError(
            "arguments",
            "give what is deployed: --stack-export FILE (pulumi stack export) or --aliyun DIR (aliyun CLI responses), one of them",
        );
    }
    return source.stackExport !== undefined
        ? loadStackExport(source.stackExport, process.cwd(), source.output?.secrets)
        : loadAliyunDir(source.aliyun as string);
}

/** The project the packs are told about, and the report's project and stack, for what was read. */
function projectOf(loaded: LoadedStack, source: AuditSource): ProjectSettings {
    return {
        dir: process.cwd(),
        name: loaded.project,
        stack: loaded.stack,
        organization: DEFAULT_ORGANIZATION,
        program: path.resolve(source.stackExport ?? source.aliyun ?? "."),
        config: {},
        secretKeys: [],
    };
}

/**
 * As the engine attributes a stack policy's violation (`resolveStackPolicyViolationURN`): to its own URN when
 * that names a resource that was analyzed, otherwise to the root stack.
 */
function attributeStackViolations(packs: PackResult[], loaded: LoadedStack): PackResult[] {
    const analyzed = new Set(loaded.resources.map((resource) => resource.urn));
    return packs.map((pack) => ({
        ...pack,
        violations: pack.violations.map((violation) =>
            violation.urn !== null && analyzed.has(violation.urn)
                ? violation
                : { ...violation, urn: loaded.rootStackUrn },
        ),
    }));
}

/**
 * `alicloud-sg audit`: the packs judge what is deployed as `pulumi policy analyze --file` has them judge a stack
 * export (the engine's `AnalyzeSnapshot`), over the same analyzer protocol, into the same report as `preview`.
 */
export async function audit(options: AuditOptions): Promise<PreviewResult> {
    const { packs, configs, notes } = packSelection(options);
    const loaded = await timed("load", async () => loadAuditSource(options));
    const project = projectOf(loaded, options);
    const outcome = await timed("packs", () =>
        runPacks(project, loaded.resources, {
            packs,
            configs,
            snapshot: true,
            // Sized as every child is (a user's limit wins): the processes answering `Analyze` hold one resource
            // at a time, those answering `AnalyzeStack` no more than what the stack read needs.
            packNodeArgs: childHeapArgs(HEAP_SHARE.policyPacks, { neededMb: 0 }),
            stackPackNodeArgs: childHeapArgs(HEAP_SHARE.policyPacks, {
                neededMb: stackPackHeapMb(loaded.bytes),
            }),
            output: options.output,
            callTimeoutMs: options.packCallTimeoutMs,
        }),
    );
    const origin: ReportOrigin = {
        kind: "audit",
        title: `Auditing ${loaded.project} (stack ${loaded.stack}) from ${loaded.description}`,
        limitations: loaded.limitations,
    };
    const report = buildReport(
        project,
        loaded.resources,
        attributeStackViolations(outcome.packs, loaded),
        outcome.inputs,
        origin,
        [],
        notes,
    );
    writeProfile();
    return { report, exitCode: exitCodeFor(report) };
}

/** `alicloud-sg graph --stack-export FILE | --aliyun DIR`: who can reach whom in what is deployed. */
export function graphAuditSource(source: AuditSource): StackGraph {
    const loaded = loadAuditSource(source);
    return {
        project: loaded.project,
        stack: loaded.stack,
        graph: graphOfResources(loaded.resources, { deployed: true }),
    };
}
