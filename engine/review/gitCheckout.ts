import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { childMarker, privateTempDir, trackChild } from "../children";
import { GateError } from "../errors";

/**
 * `git:REF`: a project directory as it was at a commit of its repository, checked out into a private temporary
 * working tree for the gate to run. The repository is only read: the checkout goes through an index file of its
 * own in the temporary directory, so its index, branches, worktree list and working tree are never touched, and
 * a gate killed mid-checkout leaves nothing in it. The temporary tree is removed on every path, signals
 * included (`privateTempDir`).
 */

/** Git's own environment that would redirect the commands below to another repository, index or tree. */
const GIT_REDIRECTS = ["GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_PREFIX", "GIT_COMMON_DIR"];

interface GitResult {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

/** Runs git in its own process group, tracked like every child of the gate. */
function git(args: readonly string[], cwd: string, env: Record<string, string> = {}): Promise<GitResult> {
    return new Promise((resolve, reject) => {
        const marker = childMarker();
        const inherited = { ...process.env };
        GIT_REDIRECTS.forEach((name) => delete inherited[name]);
        const child = spawn("git", args, {
            cwd,
            env: { ...inherited, GIT_TERMINAL_PROMPT: "0", GIT_OPTIONAL_LOCKS: "0", ...env, ...marker.env },
            stdio: ["ignore", "pipe", "pipe"],
            detached: true,
        });
        const end = trackChild(child, marker);
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
        child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
        child.on("error", (err: NodeJS.ErrnoException) => {
            end();
            reject(
                err.code === "ENOENT"
                    ? new GateError("arguments", "git:REF needs git, which is not installed or not on PATH")
                    : err,
            );
        });
        child.on("close", (code) => {
            end();
            resolve({ code, stdout, stderr });
        });
    });
}

/** The first line git wrote to stderr, for a one-line message. */
function firstLine(text: string): string {
    return (
        text
            .split("\n")
            .map((line) => line.trim())
            .find((line) => line !== "") ?? "no message"
    );
}

/** A project directory checked out at a commit. */
export interface Checkout {
    /** The project directory inside the temporary tree. */
    readonly projectDir: string;
    /** The temporary tree's root: the repository's top level at the commit. */
    readonly root: string;
    /** The repository's top level in the user's working tree. */
    readonly repository: string;
    readonly commit: string;
    /** Removes the temporary tree now (it is removed at exit anyway). */
    remove(): void;
}

/**
 * Checks `projectDir`'s repository out at `ref` into a private temporary tree and returns the same project
 * directory there. The tree holds what git tracks: `node_modules` directories, which a repository ignores, are
 * linked from the user's working tree at the same places, from the top level down to the project, so that the
 * program at REF runs with the packages installed now.
 */
export async function checkOutProject(ref: string, projectDir: string): Promise<Checkout> {
    const label = `git:${ref}`;
    if (ref === "" || ref.startsWith("-") || /[\0\n]/.test(ref)) {
        throw new GateError("arguments", `${label}: REF must name a commit, branch or tag`);
    }
    const live = path.resolve(projectDir);
    if (!fs.existsSync(live) || !fs.statSync(live).isDirectory()) {
        throw new GateError("arguments", `${label}: ${projectDir} is not a directory`);
    }
    const top = await git(["rev-parse", "--show-toplevel"], live);
    if (top.code !== 0) {
        throw new GateError(
            "arguments",
            `${label}: ${live} is not inside a git repository (${firstLine(top.stderr)})`,
        );
    }
    const repository = fs.realpathSync(top.stdout.trim());
    const relative = path.relative(repository, fs.realpathSync(live));
    const resolved = await git(
        ["rev-parse", "--verify", "--quiet", "--end-of-options", `${ref}^{commit}`],
        repository,
    );
    if (resolved.code !== 0) {
        throw new GateError(
            "arguments",
            `${label}: no commit ${JSON.stringify(ref)} in the repository ${repository}`,
        );
    }
    const commit = resolved.stdout.trim();
    const temp = privateTempDir("alicloud-sg-git-");
    try {
        const root = path.join(temp.dir, "tree");
        const index = { GIT_INDEX_FILE: path.join(temp.dir, "index") };
        const read = await git(["read-tree", commit], repository, index);
        if (read.code !== 0) {
            throw new GateError(
                "arguments",
                `${label}: cannot read commit ${commit}: ${firstLine(read.stderr)}`,
            );
        }
        const written = await git(
            ["checkout-index", "--all", "--force", `--prefix=${root}${path.sep}`],
            repository,
            index,
        );
        if (written.code !== 0) {
            throw new GateError(
                "arguments",
                `${label}: cannot check out ${commit}: ${firstLine(written.stderr)}`,
            );
        }
        const checkedOut = path.join(root, relative);
        if (!["Pulumi.yaml", "Pulumi.yml"].some((file) => fs.existsSync(path.join(checkedOut, file)))) {
            throw new GateError(
                "project",
                `${label}: ${relative === "" ? "the repository's top level" : relative} holds no Pulumi.yaml at ${ref} (${commit.slice(0, 12)})`,
            );
        }
        linkInstalledPackages(repository, root, relative);
        return { projectDir: checkedOut, root, repository, commit, remove: temp.remove };
    } catch (err) {
        temp.remove();
        throw err;
    }
}

/** Links each `node_modules` of the working tree, from the top level down to the project, into the checkout. */
function linkInstalledPackages(repository: string, root: string, relative: string): void {
    const parts = relative === "" ? [] : relative.split(path.sep);
    for (let depth = 0; depth <= parts.length; depth++) {
        const sub = parts.slice(0, depth);
        const installed = path.join(repository, ...sub, "node_modules");
        const target = path.join(root, ...sub, "node_modules");
        if (fs.existsSync(installed) && !fs.existsSync(target) && fs.existsSync(path.dirname(target))) {
            fs.symlinkSync(installed, target, "dir");
        }
    }
}
