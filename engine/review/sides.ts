import * as path from "path";
import { joinStack, type StackModel } from "../../core/stack";
import { audit, loadAuditSource } from "../audit";
import { GateError } from "../errors";
import { stackInputs } from "../graph/model";
import type { GateOutput } from "../output";
import { preview } from "../preview";
import { MOCK_LIMITATIONS, type Report } from "../report";
import { runProgram } from "../runProgram";
import { loadProjectRecordingSecrets } from "../secrets";
import type { RecordedResource } from "../types";
import { checkOutProject } from "./gitCheckout";

/**
 * The sides `diff` compares and `explain` reads: a project directory, `git:REF` (the project at a commit), a
 * stack export or a directory of aliyun API responses. Each is loaded into the same thing: the resources as the
 * gate records them and, when asked, the policy packs' verdict on them.
 */

/** What the user named, in the order given. */
export type SideSpec =
    | { readonly kind: "project"; readonly dir: string }
    /** `git:REF`, or `git:REF:DIR` for another directory of the repository than the other side's. */
    | { readonly kind: "git"; readonly ref: string; readonly dir?: string }
    | { readonly kind: "stack-export"; readonly file: string }
    | { readonly kind: "aliyun"; readonly dir: string };

export type SideOrigin = "program" | "stack-export" | "aliyun";

/** A positional BASE, HEAD or TARGET: `git:REF[:DIR]` or a project directory. */
export function parseSideArgument(text: string): SideSpec {
    if (text.startsWith("git:")) {
        const rest = text.slice("git:".length);
        // A ref never holds a colon (git check-ref-format), so the first one starts the directory.
        const colon = rest.indexOf(":");
        return colon < 0
            ? { kind: "git", ref: rest }
            : { kind: "git", ref: rest.slice(0, colon), dir: rest.slice(colon + 1) || "." };
    }
    return { kind: "project", dir: text };
}

/** How the user wrote a side, for messages and reports. */
function sideLabel(spec: SideSpec): string {
    switch (spec.kind) {
        case "project":
            return spec.dir;
        case "git":
            return spec.dir === undefined ? `git:${spec.ref}` : `git:${spec.ref}:${spec.dir}`;
        case "stack-export":
            return `--stack-export ${spec.file}`;
        case "aliyun":
            return `--aliyun ${spec.dir}`;
    }
}

export interface LoadedSide {
    /** As the user wrote it (`git:main`, `examples/web`, `--stack-export prod.json`). */
    readonly label: string;
    readonly origin: SideOrigin;
    readonly project: string;
    readonly stack: string;
    readonly resources: readonly RecordedResource[];
    /** True when the resources are what is deployed (their outputs count), false for a program's preview. */
    readonly deployed: boolean;
    /** The policy packs' verdict, when the side was loaded with them. */
    readonly report?: Report;
    /** What the side could not know. */
    readonly limitations: string;
    /** For `git:REF`: the commit checked out. */
    readonly commit?: string;
}

export interface LoadSideOptions {
    readonly stack?: string;
    readonly config?: readonly string[];
    readonly secretConfig?: Readonly<Record<string, unknown>>;
    readonly output?: GateOutput;
    /** Run the policy packs as `preview` does (diff); explain needs only the resources. */
    readonly packs?: {
        readonly policyPacks?: readonly string[];
        readonly policyPackConfigs?: readonly string[];
        readonly packCallTimeoutMs?: number;
    };
    /** The directory `git:REF` without a directory of its own checks out: the other side's, else `.`. */
    readonly gitProjectDir?: string;
}

/** The project directory `git:REF` checks out when the other side is a project directory. */
export function projectDirOf(spec: SideSpec): string | undefined {
    return spec.kind === "project" ? spec.dir : spec.kind === "git" ? spec.dir : undefined;
}

/** Loads one side; errors name the side (`BASE git:main: ...`) and never a temporary path. */
export async function loadSide(role: string, spec: SideSpec, options: LoadSideOptions): Promise<LoadedSide> {
    const label = sideLabel(spec);
    const named = (err: unknown, rename?: (text: string) => string): never => {
        if (err instanceof GateError) {
            const message = rename ? rename(err.message) : err.message;
            throw new GateError(err.kind, `${role} ${label}: ${message}`, err.source);
        }
        throw err;
    };
    switch (spec.kind) {
        case "project":
            return loadProgram(label, spec.dir, options).catch((err) => named(err));
        case "git": {
            const dir = spec.dir ?? options.gitProjectDir ?? ".";
            const checkout = await checkOutProject(spec.ref, dir).catch((err) => named(err));
            // A message names a file of the checkout as git does, REF:path, whether it gave the path absolute or
            // relative to the working directory.
            const prefixes = [checkout.root, path.relative(process.cwd(), checkout.root)].map(
                (p) => `${p}${path.sep}`,
            );
            const rename = (text: string) =>
                prefixes.reduce((renamed, prefix) => renamed.split(prefix).join(`${spec.ref}:`), text);
            try {
                const side = await loadProgram(label, checkout.projectDir, options);
                return {
                    ...side,
                    report: side.report && renameSources(side.report, rename),
                    commit: checkout.commit,
                };
            } catch (err) {
                return named(err, rename);
            } finally {
                checkout.remove();
            }
        }
        case "stack-export":
        case "aliyun":
            try {
                return await loadDeployed(label, spec, options);
            } catch (err) {
                return named(err);
            }
    }
}

/** What is deployed, read by `audit`'s loaders and, for `diff`, judged by the packs as `audit` judges it. */
async function loadDeployed(
    label: string,
    spec: Extract<SideSpec, { kind: "stack-export" | "aliyun" }>,
    options: LoadSideOptions,
): Promise<LoadedSide> {
    const source =
        spec.kind === "stack-export"
            ? { stackExport: spec.file, output: options.output }
            : { aliyun: spec.dir, output: options.output };
    if (options.packs) {
        const { report } = await audit({
            ...source,
            policyPacks: options.packs.policyPacks,
            policyPackConfigs: options.packs.policyPackConfigs,
            packCallTimeoutMs: options.packs.packCallTimeoutMs,
        });
        return {
            label,
            origin: spec.kind,
            project: report.document.project,
            stack: report.document.stack,
            resources: report.resources,
            deployed: true,
            report,
            limitations: report.origin.limitations,
        };
    }
    const loaded = loadAuditSource(source);
    return {
        label,
        origin: spec.kind,
        project: loaded.project,
        stack: loaded.stack,
        resources: loaded.resources,
        deployed: true,
        limitations: loaded.limitations,
    };
}

async function loadProgram(label: string, dir: string, options: LoadSideOptions): Promise<LoadedSide> {
    const projectOptions = {
        stack: options.stack,
        config: options.config,
        secretConfig: options.secretConfig,
    };
    if (options.packs) {
        const result = await preview({
            projectDir: dir,
            ...projectOptions,
            output: options.output,
            policyPacks: options.packs.policyPacks,
            policyPackConfigs: options.packs.policyPackConfigs,
            packCallTimeoutMs: options.packs.packCallTimeoutMs,
        });
        const { document } = result.report;
        return {
            label,
            origin: "program",
            project: document.project,
            stack: document.stack,
            resources: result.report.resources,
            deployed: false,
            report: result.report,
            limitations: MOCK_LIMITATIONS,
        };
    }
    const project = loadProjectRecordingSecrets(dir, projectOptions, options.output?.secrets);
    const run = await runProgram(project, { output: options.output });
    return {
        label,
        origin: "program",
        project: project.name,
        stack: project.stack,
        resources: run.resources,
        deployed: false,
        limitations: MOCK_LIMITATIONS,
    };
}

/** A report whose violations' source positions outside the project name the checkout's files as `REF:path`. */
function renameSources(report: Report, rename: (text: string) => string): Report {
    const violations = report.document.violations.map((violation) =>
        violation.source === null ? violation : { ...violation, source: rename(violation.source) },
    );
    return { ...report, document: { ...report.document, violations } };
}

/**
 * The joined model of a side's resources: groups, rules and members as the policies and the graph see them.
 * @internal
 */
export function sideModel(side: LoadedSide): StackModel {
    return joinStack(stackInputs(side.resources, side.deployed));
}
