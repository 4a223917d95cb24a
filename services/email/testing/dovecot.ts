/**
 * A private Dovecot IMAP server for tests (Debian's `dovecot-imapd`): its own temporary folder,
 * config, passwd-file users and a free port on 127.0.0.1, plain login without TLS, removed on
 * stop. Never touches a system Dovecot.
 * @module
 */
import { freePort } from "@ticketd/shared/runtime/free_port.ts";

export interface TestDovecot {
  host: string;
  port: number;
  /** Users made at start, each with password `pw-<user>`. */
  password(user: string): string;
  stop(): Promise<void>;
}

const BINARY = "/usr/sbin/dovecot";

/** Starts Dovecot with `users` (mailboxes in Maildir under the temporary folder). */
export async function startTestDovecot(users: string[]): Promise<TestDovecot> {
  const dir = await Deno.makeTempDir({ prefix: "ticketd_test_dovecot_" });
  const port = freePort();
  // Dovecot's auth process runs as user dovecot: it must reach the passwd file.
  await Deno.chmod(dir, 0o755);
  await Deno.writeTextFile(
    `${dir}/passwd`,
    users.map((u) => `${u}:{PLAIN}pw-${u}::::${dir}/home/${u}::\n`).join(""),
    { mode: 0o644 },
  );
  await Deno.writeTextFile(`${dir}/dovecot.conf`, config(dir, port));
  await Deno.mkdir(`${dir}/run`, { recursive: true });
  // Mail is stored as the dovecot user (Dovecot refuses root): it must write the homes.
  await Deno.mkdir(`${dir}/home`, { mode: 0o777 });
  await Deno.chmod(`${dir}/home`, 0o777);
  const child = new Deno.Command(BINARY, {
    args: ["-F", "-c", `${dir}/dovecot.conf`],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  try {
    await untilListening(port, child.status);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`dovecot did not start: ${(error as Error).message} ${await stderr}`);
  }
  let stopping: Promise<void> | undefined;
  return {
    host: "127.0.0.1",
    port,
    password: (user) => `pw-${user}`,
    stop: () =>
      stopping ??= (async () => {
        child.kill("SIGTERM");
        await child.status;
        await stderr.catch(() => "");
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      })(),
  };
}

function config(dir: string, port: number): string {
  return `
protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 1
default_internal_user = dovecot
default_login_user = dovenull
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/passwd
}
userdb {
  driver = static
  args = uid=dovecot gid=dovecot home=${dir}/home/%u
}
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service stats {
  unix_listener stats-reader {
    mode = 0666
  }
  unix_listener stats-writer {
    mode = 0666
  }
}
`;
}

async function untilListening(port: number, exited: Promise<Deno.CommandStatus>): Promise<void> {
  let gone = false;
  exited.then(() => gone = true);
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (gone) throw new Error("it exited");
    try {
      const conn = await Deno.connect({ hostname: "127.0.0.1", port });
      conn.close();
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  throw new Error(`nothing listens on ${port}`);
}
