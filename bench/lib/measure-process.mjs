// Runs a command as a whole process and measures it from outside: wall time, and the peak resident memory of the
// process and all its descendants (summed, sampled from /proc), so a child process cannot hide its memory.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const PAGE_KB = 4;
const HAS_GNU_TIME = existsSync('/usr/bin/time');
let runs = 0;

/** Parent pid and resident set (KB) of every process, read from /proc/<pid>/stat. */
function processTable() {
  const table = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name (field 2) may hold spaces and parentheses; fields after its closing ')' are fixed.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.set(Number(entry), { ppid: Number(fields[1]), rssKb: Number(fields[21]) * PAGE_KB });
    } catch {
      // The process ended between readdir and read.
    }
  }
  return table;
}

/** Resident memory (KB) of a process and its descendants. */
function treeRssKb(rootPid) {
  const table = processTable();
  const children = new Map();
  for (const [pid, { ppid }] of table) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
  let total = 0;
  const stack = [rootPid];
  while (stack.length > 0) {
    const pid = stack.pop();
    total += table.get(pid)?.rssKb ?? 0;
    stack.push(...(children.get(pid) ?? []));
  }
  return total;
}

/**
 * Runs `command args` to completion. Returns wall seconds, CPU seconds (user + system, with children; when GNU time
 * is installed), peak tree RSS in MB, exit code and captured output.
 * Throws when the exit code is not one of `okCodes`, with the output, so a broken benchmark never reports a number.
 */
export function measureProcess(command, args, { cwd, env, sampleMs = 50, okCodes = [0], timeoutMs } = {}) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    // GNU time reports the CPU the command and its children used: a number other processes on a shared machine
    // disturb far less than wall time.
    const timeFile = path.join(tmpdir(), `stedi-bench-time-${process.pid}-${++runs}.txt`);
    const wrapped = HAS_GNU_TIME
      ? ['/usr/bin/time', ['-f', '%U %S', '-o', timeFile, command, ...args]]
      : [command, args];
    const child = spawn(wrapped[0], wrapped[1], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    let peakKb = 0;
    const sample = () => {
      peakKb = Math.max(peakKb, treeRssKb(child.pid));
    };
    const sampler = sampleMs > 0 ? setInterval(sample, sampleMs) : undefined;
    const killer = timeoutMs ? setTimeout(() => child.kill('SIGTERM'), timeoutMs) : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      clearInterval(sampler);
      clearTimeout(killer);
      let cpuSeconds;
      if (HAS_GNU_TIME && existsSync(timeFile)) {
        const [user, system] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1).split(' ').map(Number);
        cpuSeconds = user + system;
        rmSync(timeFile, { force: true });
      }
      const result = { seconds, cpuSeconds, peakRssMb: peakKb / 1024, code, signal, stdout, stderr };
      if (!okCodes.includes(code)) {
        const error = new Error(
          `${command} ${args.join(' ')} exited with ${code ?? signal}\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`,
        );
        error.result = result;
        reject(error);
      } else resolve(result);
    });
  });
}

/**
 * Measures the tool and its baseline pair by pair, alternating which goes first so that neither always runs on a
 * cache the other warmed. Returns each pair as { tool, baseline } (measureProcess results); `onPair` sees each as it
 * is measured, for progress lines.
 */
export async function alternatedPairs(pairs, measureTool, measureBaseline, onPair = () => {}) {
  const measured = [];
  for (let i = 0; i < pairs; i++) {
    const toolFirst = i % 2 === 0;
    const first = await (toolFirst ? measureTool() : measureBaseline());
    const second = await (toolFirst ? measureBaseline() : measureTool());
    const pair = toolFirst ? { tool: first, baseline: second } : { tool: second, baseline: first };
    onPair(pair, i);
    measured.push(pair);
  }
  return measured;
}
