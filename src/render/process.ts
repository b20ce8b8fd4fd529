import { execFile } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";

/** A command line given as one string (`kubectl kustomize`, `helm`), split at blanks; quotes group words. */
export function splitCommand(command: string): string[] {
  const words: string[] = [];
  for (const m of command.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)) words.push(m[1] ?? m[2] ?? m[3] ?? "");
  return words;
}

/** Whether an executable of that name (or path) can be run, looked up on PATH the way a shell does. */
export function onPath(program: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const candidates = program.includes("/") ? [program] : (env.PATH ?? "").split(delimiter).filter(Boolean).map((d) => join(d, program));
  const suffixes = process.platform === "win32" ? ["", ".exe", ".cmd", ".bat"] : [""];
  return candidates.some((c) =>
    suffixes.some((s) => {
      try {
        accessSync(c + s, constants.X_OK);
        return true;
      } catch {
        return false;
      }
    }),
  );
}

export interface ToolRun {
  readonly ok: boolean;
  readonly stdout: string;
  /** The tool's own words when it failed: stderr without log prefixes, or why it could not run. */
  readonly error: string;
}

/** Runs a renderer; never throws. Output is capped generously: rendered repositories can be large. */
export function runTool(argv: readonly string[], cwd: string, timeoutMs: number): Promise<ToolRun> {
  const [program, ...args] = argv;
  return new Promise((done) => {
    if (!program) {
      done({ ok: false, stdout: "", error: "no command" });
      return;
    }
    execFile(program, args, { cwd, timeout: timeoutMs, maxBuffer: 512 * 1024 * 1024, encoding: "utf8", windowsHide: true }, (error, stdout, stderr) => {
      if (!error) {
        done({ ok: true, stdout, error: "" });
        return;
      }
      const e = error as NodeJS.ErrnoException & { killed?: boolean };
      const why =
        e.code === "ENOENT"
          ? `${program} not found`
          : e.killed
            ? `timed out after ${Math.round(timeoutMs / 1000)} s`
            : toolMessage(stderr) || e.message.split("\n")[0] || "failed";
      done({ ok: false, stdout, error: why });
    });
  });
}

/**
 * The useful part of a Go tool's stderr: klog lines (`E1206 23:23:03.960402 17656 run.go:72] "command failed" err="…"`)
 * reduced to their `err` text, `Error: ` prefixes dropped, one line.
 */
export function toolMessage(stderr: string): string {
  const lines = stderr.split("\n").map((l) => l.trim()).filter(Boolean);
  for (const line of lines) {
    const m = /\berr="((?:[^"\\]|\\.)*)"/.exec(line);
    if (m) return unescapeGo(m[1] ?? "");
  }
  const last = lines.find((l) => /^Error:/.test(l)) ?? lines[lines.length - 1] ?? "";
  return last.replace(/^Error:\s*/, "");
}

const unescapeGo = (s: string): string => s.replace(/\\(["\\])/g, "$1").replace(/\\n/g, " ").replace(/\\t/g, " ");
