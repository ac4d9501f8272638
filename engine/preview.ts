import * as fs from "fs";
import * as path from "path";
import { GateError } from "./errors";
import { readPolicyPackConfig, unopenedEnvironmentsNote } from "./policyConfig";
import { readPinnedInvokes } from "./pinnedInvokes";
import { loadProjectRecordingSecrets } from "./secrets";
import type { GateOutput } from "./output";
import { renderMarkdown, renderMarkdownError } from "./render/markdown";
import { renderSarif, renderSarifError } from "./render/sarif";
import { renderText } from "./render/text";
import { buildReport, exitCodeFor, previewOrigin, sourceLabel, type Report } from "./report";
import { runPacks, type PackConfigSource } from "./runPacks";
import { runProgram } from "./runProgram";
import { RegisteredResources } from "./registeredResources";
import { timed, writeProfile } from "./profile";

export type ReportFormat = "text" | "json" | "sarif" | "markdown";
export const REPORT_FORMATS: readonly ReportFormat[] = ["text", "json", "sarif", "markdown"];

export interface PreviewOptions {
    readonly projectDir?: string;
    readonly stack?: string;
    readonly config?: readonly string[];
    /** Stack config file used instead of `Pulumi.<stack>.yaml` (the CLI's `--config-file`). */
    readonly configFile?: string;
    /** Secret config values kept off the command line (`ALICLOUD_SG_SECRET_CONFIG`): key → value. */
    readonly secretConfig?: Readonly<Record<string, unknown>>;
    /**
     * Where diagnostics go and the run's secrets: every secret config value and every secret the program
     * registers is recorded there, so that whatever writes the report can scrub them.
     */
    readonly output?: GateOutput;
    /** Deadline of each call to a pack, in milliseconds (`--pack-timeout`). */
    readonly packCallTimeoutMs?: number;
    /** Policy pack directories; the bundled `policies/` pack when empty. */
    readonly policyPacks?: readonly string[];
    readonly policyPackConfigs?: readonly string[];
    /** An `--invokes` file pinning data source answers. */
    readonly invokesFile?: string;
}

export interface PreviewResult {
    readonly report: Report;
    readonly exitCode: 0 | 1;
}

/** The package root: the nearest directory above this file whose package.json is this package. */
export function packageRoot(): string {
    let dir = __dirname;
    for (;;) {
        const manifest = path.join(dir, "package.json");
        if (
            fs.existsSync(manifest) &&
            JSON.parse(fs.readFileSync(manifest, "utf8")).name === "alicloud-secure-groups"
        ) {
            return dir;
        }
        const parent = path.dirname(dir);
        if (parent === dir) {
            throw new GateError(
                "project",
                `cannot find the alicloud-secure-groups package above ${__dirname}`,
            );
        }
        dir = parent;
    }
}

/**
 * The bundled pack beside this engine: `dist/policy-pack` (built by scripts/build-policy-pack.mjs, the very
 * directory `pulumi policy publish` uploads, as an installed package ships it) when the engine runs compiled,
 * `policies/` (TypeScript, type-checked by the runner's ts-node) when it runs from sources.
 */
export function bundledPolicyPack(): string {
    const fromSources = path.extname(__filename) === ".ts";
    return path.join(__dirname, "..", fromSources ? "policies" : "policy-pack");
}

export function toolVersion(): string {
    return JSON.parse(fs.readFileSync(path.join(packageRoot(), "package.json"), "utf8")).version as string;
}

/** The package's home page (package.json `homepage`, without its `#readme` anchor), if it names one. */
function toolInformationUri(): string | undefined {
    const manifest = JSON.parse(fs.readFileSync(path.join(packageRoot(), "package.json"), "utf8")) as {
        homepage?: unknown;
    };
    return typeof manifest.homepage === "string" ? manifest.homepage.replace(/#readme$/, "") : undefined;
}

/**
 * The packs to run (the bundled one when none is given) and their config files, read now so that a malformed
 * one fails before anything runs.
 */
export function packSelection(options: Pick<PreviewOptions, "policyPacks" | "policyPackConfigs">): {
    packs: readonly string[];
    configs: PackConfigSource[];
    /** What the config files name that cannot be opened offline (ESC environments), for the report. */
    notes: string[];
} {
    const packs =
        options.policyPacks && options.policyPacks.length > 0 ? options.policyPacks : [bundledPolicyPack()];
    const configs = (options.policyPackConfigs ?? []).map((file) => ({
        label: `--policy-pack-config ${file}`,
        ...readPolicyPackConfig(file),
    }));
    const notes = [unopenedEnvironmentsNote(configs)].filter((note) => note !== undefined);
    return { packs, configs, notes };
}

/** Runs the program and every pack over the analyzer protocol, and builds the report. */
export async function preview(options: PreviewOptions = {}): Promise<PreviewResult> {
    const project = loadProjectRecordingSecrets(options.projectDir ?? ".", options, options.output?.secrets);
    const { packs, configs, notes } = packSelection(options);
    const pins = options.invokesFile ? readPinnedInvokes(options.invokesFile) : undefined;
    // As the CLI starts its analyzers alongside the language host, the packs start (a TypeScript pack is
    // type-checked first) while the program runs. A failing program is reported before a failing pack.
    // Each resource is analyzed as soon as the program registers it, as the engine does at step generation.
    const registered = new RegisteredResources();
    const program = timed("program", () =>
        runProgram(project, { registered, output: options.output, invokesFile: options.invokesFile }),
    );
    const resources = program.then((run) => run.resources);
    // Its failure is reported through `program`; packs that fail to start never await it.
    resources.catch(() => undefined);
    const packsOutcome = timed("packs", () =>
        runPacks(project, resources, {
            packs,
            configs,
            registered,
            output: options.output,
            callTimeoutMs: options.packCallTimeoutMs,
        }),
    );
    const [ran, analyzed] = await Promise.allSettled([program, packsOutcome]);
    if (ran.status === "rejected") {
        throw ran.reason;
    }
    if (analyzed.status === "rejected") {
        throw analyzed.reason;
    }
    const run = ran.value;
    const outcome = analyzed.value;
    for (const key of pins?.unused(run.invokes.map((call) => call.token)) ?? []) {
        const note = `alicloud-sg: note: --invokes ${pins?.file}: ${key} names no data source the program called\n`;
        if (options.output) {
            options.output.diagnostic(note);
        } else {
            process.stderr.write(note);
        }
    }
    const report = buildReport(
        project,
        run.resources,
        outcome.packs,
        outcome.inputs,
        previewOrigin(project),
        run.invokes,
        notes,
    );
    writeProfile();
    return { report, exitCode: exitCodeFor(report) };
}

export function renderReport(report: Report, format: ReportFormat, color: boolean): string {
    switch (format) {
        case "json":
            return JSON.stringify(report.document, null, 2) + "\n";
        case "sarif":
            return renderSarif(report, {
                baseDir: process.cwd(),
                toolVersion: toolVersion(),
                informationUri: toolInformationUri(),
            });
        case "text":
            return renderText(report, { color });
        case "markdown":
            return renderMarkdown(report);
    }
}

/**
 * What a run that cannot judge the stack (exit 2) writes in the requested format, so that CI still has a
 * report to upload: JSON `{"error": {"message", "source"}}`, SARIF a failed invocation with an error
 * notification and an error result at the user's file and line, text the message.
 */
export function renderErrorReport(error: GateError, format: ReportFormat, projectDir: string): string {
    switch (format) {
        case "json":
            return (
                JSON.stringify(
                    {
                        error: {
                            message: error.message,
                            source: error.source ? sourceLabel(error.source, path.resolve(projectDir)) : null,
                        },
                    },
                    null,
                    2,
                ) + "\n"
            );
        case "sarif":
            return renderSarifError(error, {
                baseDir: process.cwd(),
                toolVersion: toolVersion(),
                informationUri: toolInformationUri(),
            });
        case "markdown":
            return renderMarkdownError(error, path.resolve(projectDir));
        case "text":
            return `alicloud-sg: ${error.message}\n`;
    }
}
