// The real Rust behind the UI tests: each test starts its own `ansinh dev-server` on a fresh
// database (the same commands, rules and errors as the app, through the HTTP transport), so no
// rule is copied into TypeScript. `rust.callsTo(...)` records what the UI sent; `rust.hold(...)`
// keeps one command waiting, to see a busy state.

import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterEach } from 'vitest';
import { COMMANDS } from '../src/lib/generated/commands';
import { httpBackend, type ArgsOf, type Backend, type Command } from '../src/lib/backend';
import type { DemoOptions, Lang } from '../src/lib/types';

export const ADMIN = { username: 'admin', password: 'quản trị viên 2026' };

/** The CLI binary (built by `cargo build -p ansinh-cli`, which scripts/test.sh does first). */
export function ansinhBinary(): string {
  const target = process.env.CARGO_TARGET_DIR ?? join(homedir(), '.cache/ansinh/target');
  const bin = process.env.ANSINH_BIN ?? join(target, 'debug', 'ansinh');
  if (!existsSync(bin)) throw new Error(`${bin} is missing: build it with \`cargo build -p ansinh-cli\``);
  return bin;
}

export interface StartOptions {
  /** Who is there at start: the administrator signed in (default), nobody signed in
   * (`signed-out`), or no user at all (`fresh`, the first-run screen). */
  auth?: 'admin' | 'signed-out' | 'fresh';
  /** Demo data loaded first (deterministic); false (default): an empty database. */
  demo?: DemoOptions | false;
  lang?: Lang;
}

export interface Call {
  cmd: Command;
  args: unknown;
}

export interface Rust {
  /** What the UI gets: every call recorded, held ones wait. */
  backend: Backend;
  /** The same server without recording (to set up or inspect data). */
  direct: Backend;
  calls: Call[];
  callsTo<C extends Command>(cmd: C): ArgsOf<C>[];
  /** The next calls of `cmd` wait until the returned function is called. */
  hold(cmd: Command): () => void;
  /** Folder of this server's database, exports and backups. */
  dir: string;
  stop(): Promise<void>;
}

const running = new Set<Rust>();

// Every server a test started stops when the test ends.
afterEach(async () => {
  await Promise.all([...running].map((r) => r.stop()));
});

/** Starts a server on a fresh database and prepares it as asked. */
export async function startRust(options: StartOptions = {}): Promise<Rust> {
  const dir = mkdtempSync(join(tmpdir(), 'ansinh-ui-'));
  const token = randomUUID();
  const child: ChildProcess = spawn(
    ansinhBinary(),
    ['--db', join(dir, 'ansinh.db'), 'dev-server', '--port', '0', '--token', token],
    {
      env: {
        ...process.env,
        ANSINH_EXPORT_DIR: join(dir, 'exports'),
        ANSINH_BACKUP_DIR: join(dir, 'backups'),
        ANSINH_DB: join(dir, 'ansinh.db'),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const url = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    lines.once('line', (line) => resolve((JSON.parse(line) as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`ansinh dev-server exited (${code})`)));
  });
  const direct = httpBackend(url, token);

  const calls: Call[] = [];
  const held = new Map<Command, Promise<void>>();
  const recorded: Record<string, (args?: object) => Promise<unknown>> = {};
  for (const cmd of COMMANDS) {
    recorded[cmd] = async (args?: object) => {
      calls.push({ cmd, args: args ?? {} });
      const wait = held.get(cmd);
      if (wait) await wait;
      return (direct[cmd] as (a?: object) => Promise<unknown>)(args);
    };
  }

  const rust: Rust = {
    backend: recorded as unknown as Backend,
    direct,
    calls,
    callsTo: <C extends Command>(cmd: C) => calls.filter((c) => c.cmd === cmd).map((c) => c.args as ArgsOf<C>),
    hold(cmd) {
      let release = () => {};
      held.set(cmd, new Promise<void>((r) => (release = r)));
      return () => {
        held.delete(cmd);
        release();
      };
    },
    dir,
    async stop() {
      if (!running.delete(rust)) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill();
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
  running.add(rust);

  const auth = options.auth ?? 'admin';
  if (auth !== 'fresh') {
    await direct.setup_admin({ input: { username: ADMIN.username, display_name: 'Quản trị', password: ADMIN.password } });
    if (options.demo) await direct.load_demo({ options: options.demo });
    if (options.lang) await direct.set_language({ lang: options.lang });
    if (auth === 'signed-out') await direct.logout();
  }
  return rust;
}
