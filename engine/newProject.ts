/**
 * `alicloud-sg new TEMPLATE DIR`: a project from one of the package's templates, as `pulumi new` makes one, with
 * its dependency on this package wired to the copy that runs the command. Until the package is on a registry,
 * `"alicloud-secure-groups": "<version>"` cannot install, so the project gets a tarball of the running copy and
 * depends on it (`file:alicloud-secure-groups-<version>.tgz`): `npm install` then installs it with the rest, as
 * a real copy beside the project's own `@pulumi/pulumi` (a link would load a second SDK). Installed from a
 * registry, the command writes the registry range instead.
 */
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import * as YAML from "yaml";
import { GateError, errorMessage } from "./errors";
import { packageRoot } from "./preview";

export interface NewProjectOptions {
    readonly template: string;
    readonly dir: string;
    /** The project name; the directory's name by default. */
    readonly name?: string;
    readonly description?: string;
    /** The stack whose `Pulumi.<stack>.yaml` receives the template's config; `dev` by default. */
    readonly stack?: string;
    /** `KEY=VALUE` answers to the template's config prompts. */
    readonly config?: readonly string[];
}

export interface NewProject {
    readonly dir: string;
    readonly name: string;
    /** How the project's package.json names this package. */
    readonly dependency: string;
}

const PACKAGE = "alicloud-secure-groups";

interface TemplatePrompt {
    readonly description?: string;
    readonly default?: unknown;
}

function templatesDir(): string {
    return path.join(packageRoot(), "templates");
}

export function listTemplates(): string[] {
    const dir = templatesDir();
    return fs.existsSync(dir)
        ? fs
              .readdirSync(dir)
              .filter((entry) => fs.existsSync(path.join(dir, entry, "Pulumi.yaml")))
              .sort()
        : [];
}

/** `pulumi new` fills these two placeholders in every file it copies. */
function fill(text: string, name: string, description: string): string {
    return text.replace(/\$\{PROJECT\}/g, name).replace(/\$\{DESCRIPTION\}/g, description);
}

function copyTemplate(from: string, to: string, name: string, description: string): void {
    fs.mkdirSync(to, { recursive: true });
    for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
        if (entry.name === "node_modules") {
            continue;
        }
        const source = path.join(from, entry.name);
        const target = path.join(to, entry.name);
        if (entry.isDirectory()) {
            copyTemplate(source, target, name, description);
        } else {
            fs.writeFileSync(target, fill(fs.readFileSync(source, "utf8"), name, description));
        }
    }
}

/**
 * Whether npm installed the running copy from a registry: its install's hidden lockfile
 * (`node_modules/.package-lock.json`) records where each package was resolved from.
 */
function installedFromRegistry(root: string): boolean {
    const nodeModules = path.dirname(root);
    const lockfile = path.join(nodeModules, ".package-lock.json");
    if (path.basename(nodeModules) !== "node_modules" || !fs.existsSync(lockfile)) {
        return false;
    }
    try {
        const lock = JSON.parse(fs.readFileSync(lockfile, "utf8")) as {
            packages?: Record<string, { resolved?: string }>;
        };
        const entry = Object.entries(lock.packages ?? {}).find(
            ([key]) => path.resolve(path.dirname(nodeModules), key) === root,
        )?.[1];
        return /^https?:\/\//.test(entry?.resolved ?? "");
    } catch {
        return false;
    }
}

/** A tarball of the running copy in `dir`, as `npm pack` makes it (without running its scripts). */
function packSelf(root: string, dir: string): string {
    try {
        const packed = JSON.parse(
            execFileSync("npm", ["pack", root, "--ignore-scripts", "--json", "--pack-destination", dir], {
                cwd: dir,
                encoding: "utf8",
                stdio: ["ignore", "pipe", "pipe"],
                shell: process.platform === "win32",
            }),
        ) as { filename: string }[];
        return packed[0].filename;
    } catch (err) {
        throw new GateError("project", `npm pack ${root} failed: ${errorMessage(err)}`);
    }
}

function parseAnswers(pairs: readonly string[]): Map<string, string> {
    const answers = new Map<string, string>();
    for (const pair of pairs) {
        const eq = pair.indexOf("=");
        if (eq <= 0) {
            throw new GateError("arguments", `--config must be KEY=VALUE (got "${pair}")`);
        }
        answers.set(pair.slice(0, eq), pair.slice(eq + 1));
    }
    return answers;
}

export function newProject(options: NewProjectOptions): NewProject {
    const templates = listTemplates();
    if (!templates.includes(options.template)) {
        throw new GateError(
            "arguments",
            `unknown template "${options.template}" (templates: ${templates.join(", ") || "none installed"})`,
        );
    }
    const dir = path.resolve(options.dir);
    if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
        throw new GateError("arguments", `${dir} is not empty: give a new or empty directory`);
    }
    const name = options.name ?? path.basename(dir);
    if (!/^[A-Za-z0-9_.-]+$/.test(name)) {
        throw new GateError(
            "arguments",
            `the project name must be letters, digits, - _ . (got "${name}"); give one with --name`,
        );
    }
    const stack = options.stack ?? "dev";
    if (!/^[A-Za-z0-9_.-]+$/.test(stack)) {
        throw new GateError(
            "arguments",
            `--stack must be a stack name of letters, digits, - _ . (got "${stack}")`,
        );
    }
    const source = path.join(templatesDir(), options.template);
    const project = YAML.parseDocument(fs.readFileSync(path.join(source, "Pulumi.yaml"), "utf8"));
    const prompts =
        (project.toJS() as { template?: { config?: Record<string, TemplatePrompt> } }).template?.config ?? {};
    const answers = parseAnswers(options.config ?? []);
    const missing = Object.entries(prompts).filter(
        ([key, prompt]) => !answers.has(key) && prompt.default === undefined,
    );
    if (missing.length > 0) {
        throw new GateError(
            "arguments",
            `template ${options.template} needs ${missing
                .map(([key, prompt]) => `${key} (${prompt.description ?? "no description"})`)
                .join(", ")}: give --config ${missing[0][0]}=VALUE`,
        );
    }

    const description = options.description ?? `A project made from the ${options.template} template`;
    copyTemplate(source, dir, name, description);
    // As `pulumi new`: the project keeps its settings, not the template's prompts.
    project.set("name", name);
    if (project.get("description") === "${DESCRIPTION}") {
        project.set("description", description);
    }
    project.delete("template");
    fs.writeFileSync(path.join(dir, "Pulumi.yaml"), String(project));
    const config: Record<string, string> = {};
    for (const [key, prompt] of Object.entries(prompts)) {
        config[`${name}:${key}`] = answers.get(key) ?? String(prompt.default);
    }
    for (const [key, value] of answers) {
        if (!(key in prompts)) {
            config[key.includes(":") ? key : `${name}:${key}`] = value;
        }
    }
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), YAML.stringify({ config }));

    const root = packageRoot();
    const version = (
        JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")) as { version: string }
    ).version;
    const dependency = installedFromRegistry(root) ? `^${version}` : `file:${packSelf(root, dir)}`;
    const manifestFile = path.join(dir, "package.json");
    const manifest = JSON.parse(fs.readFileSync(manifestFile, "utf8")) as {
        dependencies?: Record<string, string>;
    };
    manifest.dependencies = { ...manifest.dependencies, [PACKAGE]: dependency };
    fs.writeFileSync(manifestFile, JSON.stringify(manifest, null, 2) + "\n");
    return { dir, name, dependency };
}
