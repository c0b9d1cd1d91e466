// The one module that talks to Rust. Every other module gets a `Backend` (see context.ts), so
// tests inject another transport and nothing else imports @tauri-apps.
//
// The commands, their arguments and results are generated from the Rust registry
// (./generated/commands.ts, crates/api/src/commands): a `Backend` has one method per command,
// typed from there, and every method goes through the same `call` (the app's one Tauri
// command, or the development HTTP server). Adding a command needs no change here.

import { invoke, isTauri } from '@tauri-apps/api/core';
import { COMMANDS, type Commands } from './generated/commands';
import { toWireError } from './errors';

export type Command = keyof Commands;
export type ArgsOf<C extends Command> = Commands[C]['args'];
export type ResultOf<C extends Command> = Commands[C]['result'];

/** One method per command; commands without arguments may be called without any. */
export type Backend = {
  [C in Command]: ArgsOf<C> extends Record<string, never>
    ? (args?: ArgsOf<C>) => Promise<ResultOf<C>>
    : (args: ArgsOf<C>) => Promise<ResultOf<C>>;
};

/** How a command reaches Rust: its name and argument object in, its JSON result out. */
export type Transport = (command: Command, args: object) => Promise<unknown>;

/** A backend over `transport`; a rejection is always normalised to a `WireError`. */
export function makeBackend(transport: Transport): Backend {
  const methods: Record<string, (args?: object) => Promise<unknown>> = {};
  for (const command of COMMANDS) {
    methods[command] = async (args?: object) => {
      try {
        return await transport(command, args ?? {});
      } catch (e) {
        throw toWireError(e);
      }
    };
  }
  return methods as unknown as Backend;
}

/** The real backend in the app: Tauri's `invoke` of the one command `call`. */
export const tauriBackend: Backend = makeBackend((command, args) => invoke('call', { command, args }));

/** The development HTTP transport (`ansinh dev-server`): `POST {url}/call/{command}` with the
 * server's token. Used by the UI tests and by `npm run dev` in a plain browser. */
export function httpBackend(url: string, token: string): Backend {
  return makeBackend(async (command, args) => {
    const response = await fetch(`${url}/call/${command}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-ansinh-token': token },
      body: JSON.stringify(args),
    });
    const body: unknown = await response.json().catch(() => ({ code: 'unknown', message: response.statusText }));
    if (!response.ok) throw body;
    return body;
  });
}

/** True inside the Tauri webview (false in a plain browser or in tests). */
export function inTauri(): boolean {
  return isTauri();
}
