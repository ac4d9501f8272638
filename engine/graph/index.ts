import { readPinnedInvokes } from "../pinnedInvokes";
import { runProgram } from "../runProgram";
import type { GateOutput } from "../output";
import type { GateError } from "../errors";
import { renderErrorReport } from "../preview";
import { loadProjectRecordingSecrets, type SecretValues } from "../secrets";
import { SECRET_LABEL } from "../../core/wire";
import { renderDot, renderDotError } from "./dot";
import { renderMermaid, renderMermaidError } from "./mermaid";
import { graphDocument, graphOfResources, type GraphDocument, type GraphModel } from "./model";
import { renderSvg } from "./svg";

export { graphDocument, type GraphModel } from "./model";
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

/**
 * The JSON graph with every node id that holds a secret (`cidr:10.99.0.0/16` from a secret CIDR) numbered as its
 * own secret (`cidr:[secret 1]`): the scrubbing of the written document would otherwise give two secret blocks
 * one id, merging their nodes and edges for any reader that keys on it.
 */
function graphDocumentKeepingSecretsApart(
    graph: GraphModel,
    secrets: SecretValues | undefined,
): GraphDocument {
    const document = graphDocument(graph);
    if (!secrets || secrets.size === 0) {
        return document;
    }
    const renamed = new Map<string, string>();
    for (const node of document.nodes) {
        const scrubbed = secrets.scrubText(node.id);
        if (scrubbed !== node.id) {
            renamed.set(node.id, scrubbed.replace(SECRET_LABEL, `[secret ${renamed.size + 1}]`));
        }
    }
    const id = (old: string) => renamed.get(old) ?? old;
    return {
        nodes: document.nodes.map((node) => ({ ...node, id: id(node.id) })),
        edges: document.edges.map((edge) => ({ ...edge, from: id(edge.from), to: id(edge.to) })),
    };
}

/** The graph in `format`; `secrets`, when given, keeps secret nodes apart in JSON (the writer scrubs them). */
export async function renderGraph(
    stackGraph: StackGraph,
    format: GraphFormat,
    secrets?: SecretValues,
): Promise<string> {
    const title = `${stackGraph.project} (stack ${stackGraph.stack})`;
    switch (format) {
        case "json":
            return (
                JSON.stringify(graphDocumentKeepingSecretsApart(stackGraph.graph, secrets), null, 2) + "\n"
            );
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
    // The message is stderr's, which already says where in the user's code the run failed.
    const refusal = `alicloud-sg could not draw this graph: ${error.message}`;
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
