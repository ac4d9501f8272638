import * as path from "node:path";
import { readPinnedInvokes } from "../pinnedInvokes";
import { runProgram } from "../runProgram";
import type { GateOutput } from "../output";
import type { GateError } from "../errors";
import { renderErrorReport } from "../preview";
import { sourceLabel } from "../report";
import { loadProjectRecordingSecrets } from "../secrets";
import { renderDot, renderDotError } from "./dot";
import { renderMermaid, renderMermaidError } from "./mermaid";
import { graphDocument, graphOfResources, type GraphModel } from "./model";
import { renderSvg } from "./svg";

export * from "./model";
export { renderDot } from "./dot";
export { renderMermaid } from "./mermaid";
export { renderSvg } from "./svg";
export { exposureLines } from "./exposure";

export type GraphFormat = "mermaid" | "dot" | "svg" | "json";
export const GRAPH_FORMATS: readonly GraphFormat[] = ["mermaid", "dot", "svg", "json"];

export interface GraphCommandOptions {
    readonly projectDir?: string;
    readonly stack?: string;
    readonly config?: readonly string[];
    /** Stack config file used instead of `Pulumi.<stack>.yaml` (the CLI's `--config-file`). */
    readonly configFile?: string;
    /** Secret config values kept off the command line (`ALICLOUD_SG_SECRET_CONFIG`). */
    readonly secretConfig?: Readonly<Record<string, unknown>>;
    /** Where diagnostics go, and the run's secrets, which whatever writes the graph scrubs. */
    readonly output?: GateOutput;
    /** An `--invokes` file pinning data source answers. */
    readonly invokesFile?: string;
}

export interface StackGraph {
    readonly project: string;
    readonly stack: string;
    readonly graph: GraphModel;
}

/** Runs the project's program under mocks (as `preview` does) and builds the graph of what it declares. */
export async function graphProject(options: GraphCommandOptions = {}): Promise<StackGraph> {
    const project = loadProjectRecordingSecrets(options.projectDir ?? ".", options, options.output?.secrets);
    if (options.invokesFile) {
        readPinnedInvokes(options.invokesFile); // a bad file fails before the program starts
    }
    const run = await runProgram(project, { output: options.output, invokesFile: options.invokesFile });
    return { project: project.name, stack: project.stack, graph: graphOfResources(run.resources) };
}

export async function renderGraph(stackGraph: StackGraph, format: GraphFormat): Promise<string> {
    const title = `${stackGraph.project} (stack ${stackGraph.stack})`;
    switch (format) {
        case "json":
            return JSON.stringify(graphDocument(stackGraph.graph), null, 2) + "\n";
        case "mermaid":
            return renderMermaid(stackGraph.graph);
        case "dot":
            return renderDot(stackGraph.graph, { title });
        case "svg":
            return renderSvg(renderDot(stackGraph.graph, { title }));
    }
}

/**
 * What `graph` writes when it exits 2: the same refusal as on stderr, in the asked format, so that a file from an
 * earlier run is never left in place looking current, and a page or artifact built from it shows why.
 */
export async function renderGraphError(
    error: GateError,
    format: GraphFormat,
    projectDir: string,
): Promise<string> {
    const at = error.source ? sourceLabel(error.source, path.resolve(projectDir)) : undefined;
    const refusal = `alicloud-sg could not draw this graph: ${error.message}${at ? ` (at ${at})` : ""}`;
    switch (format) {
        case "json":
            return renderErrorReport(error, "json", projectDir);
        case "mermaid":
            return renderMermaidError(refusal);
        case "dot":
            return renderDotError(refusal);
        case "svg":
            return renderSvg(renderDotError(refusal));
    }
}
