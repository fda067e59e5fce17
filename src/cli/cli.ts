import { parseArgs } from 'node:util';

import {
  createAccount,
  createToken,
  listTokens,
  revokeToken,
  type AccountDeps,
} from '../accounts/accounts.service.ts';
import type { Database } from '../db/database.ts';
import { recordAccessChangeElsewhere } from '../events/events.service.ts';
import { DomainError } from '../shared/errors.ts';

/** Dependencies of the commands: the accounts' database and clock, and the database's dialect. */
export type CliDeps = AccountDeps & {
  database: Pick<Database, 'dialect'>;
  close(): Promise<void>;
};

/** Output and input streams of a command, injectable so tests can capture them. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  readStdin(): Promise<string>;
}

const help = {
  main: `Usage: parley <command> [options]

Commands:
  user create    Create an account
  token create   Create an API token and print it once
  token list     List an account's tokens (without their secrets)
  token revoke   Revoke an API token

Run "parley <command> --help" for a command's options.
The database is DATABASE_URL (default ./data/parley.db); pending migrations run first.
`,
  'user create': `Usage: parley user create --email E --role R [--state XX] [--org NAME] [--password-stdin]

  --email E          the account's e-mail address (also its sign-in name)
  --role R           secretariat, state-editor, poc or partner
  --state XX         ISO 3166-1 alpha-2 code of the account's state (state-editor and poc)
  --org NAME         partner organisation, created if new (partner only)
  --clearance TLP    highest TLP a new partner organisation may read (default green)
  --password-stdin   read the password (at least 12 characters) from standard input
A poc account is linked to the directory entries with the same e-mail.
`,
  'token create': `Usage: parley token create --email E [--label TEXT]

Prints only the new token on standard output. It is shown once and stored hashed.
`,
  'token list': `Usage: parley token list --email E
`,
  'token revoke': `Usage: parley token revoke (--id ID | --token TOKEN)

  --id ID         the token's id, as "token list" shows it
  --token TOKEN   the token itself
`,
} as const;

type CommandName = keyof typeof help;

class UsageError extends Error {}

function requireOption(values: Record<string, unknown>, name: string): string {
  const value = values[name];
  if (typeof value !== 'string' || value === '') throw new UsageError(`--${name} is required`);

  return value;
}

function optional(values: Record<string, unknown>, name: string): string | undefined {
  const value = values[name];

  return typeof value === 'string' ? value : undefined;
}

async function runCommand(command: CommandName, args: string[], deps: CliDeps, io: CliIo) {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      email: { type: 'string' },
      role: { type: 'string' },
      state: { type: 'string' },
      org: { type: 'string' },
      clearance: { type: 'string' },
      'password-stdin': { type: 'boolean' },
      label: { type: 'string' },
      id: { type: 'string' },
      token: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help === true) {
    io.stdout(help[command]);
    return;
  }

  switch (command) {
    case 'main':
      io.stdout(help.main);
      return;
    case 'user create': {
      const password = values['password-stdin'] === true ? await io.readStdin() : undefined;
      const account = await createAccount(deps, {
        email: requireOption(values, 'email'),
        role: requireOption(values, 'role') as 'poc',
        state: optional(values, 'state'),
        org: optional(values, 'org'),
        clearance: optional(values, 'clearance') as 'green' | undefined,
        password: password?.replace(/\r?\n$/, ''),
      });
      io.stdout(`Created ${account.role} account ${account.email} (id ${account.id})\n`);
      if (password === undefined) {
        io.stdout(
          'No password was set: the account signs in with API tokens only until a password reset.\n',
        );
      }
      return;
    }
    case 'token create': {
      const label = optional(values, 'label') ?? 'cli';
      const { token } = await createToken(deps, requireOption(values, 'email'), label);
      io.stdout(`${token}\n`);
      return;
    }
    case 'token list': {
      for (const token of await listTokens(deps, requireOption(values, 'email'))) {
        const state = token.revoked_at === null ? 'active' : `revoked ${token.revoked_at}`;
        io.stdout(`${token.id}  ${token.label}  created ${token.created_at}  ${state}\n`);
      }
      return;
    }
    case 'token revoke': {
      const accountIds = await revokeToken(deps, {
        id: optional(values, 'id'),
        token: optional(values, 'token'),
      });
      if (accountIds.length === 0) {
        throw new DomainError('not_found', (m) => m.problems.http.noActiveToken);
      }
      // The servers close the open live streams that used the token.
      for (const accountId of accountIds) {
        await recordAccessChangeElsewhere(deps.db, deps.database.dialect, deps.clock, accountId);
      }
      io.stdout(`Revoked ${accountIds.length} token\n`);
      return;
    }
  }
}

/**
 * Runs the operator CLI with the given arguments (without `node` and the script) and returns
 * the process exit code: 0 on success, 2 for wrong usage or invalid input, 1 otherwise.
 */
export async function runCli(argv: string[], openDeps: () => Promise<CliDeps>, io: CliIo) {
  const [first = '', second = ''] = argv;
  const pair = `${first} ${second}`;
  const isGroup = first === 'user' || first === 'token';
  const wantsHelp = second === '' || second === '--help' || second === '-h';
  let command: CommandName | null = null;
  if (pair in help) command = pair as CommandName;
  else if (first === '' || first.startsWith('-') || (isGroup && wantsHelp)) command = 'main';
  if (command === null) {
    io.stderr(`error: unknown command "${pair.trim()}"\n\n${help.main}`);
    return 2;
  }
  const rest = command === 'main' ? argv : argv.slice(2);
  if (command === 'main' || rest.includes('--help') || rest.includes('-h')) {
    io.stdout(help[command]);
    return 0;
  }

  let deps: CliDeps | null = null;
  try {
    deps = await openDeps();
    await runCommand(command, rest, deps, io);
    return 0;
  } catch (error) {
    if (
      error instanceof UsageError ||
      (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
    ) {
      io.stderr(`error: ${(error as Error).message}\n\n${help[command]}`);
      return 2;
    }
    if (error instanceof DomainError) {
      io.stderr(`error: ${error.message}\n`);
      return error.status < 500 ? 2 : 1;
    }
    throw error;
  } finally {
    await deps?.close();
  }
}
