/**
 * A receiving SMTP relay for outbound's tests: `smtp-server` with STARTTLS, implicit TLS or no
 * TLS at all, certificates from a throwaway CA made with the openssl CLI, every accepted mail
 * parsed with mailparser, and every MAIL FROM counted (so a test can prove nothing was sent).
 * @module
 */
import { Buffer } from "node:buffer";
import type { Readable } from "node:stream";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface TestCa {
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** A CA and a server certificate for `localhost` / 127.0.0.1 signed by it (P-256, 1 day). */
export async function makeTestCa(): Promise<TestCa> {
  const dir = await Deno.makeTempDir({ prefix: "ticketd-smtp-ca-" });
  try {
    const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
    await openssl(
      dir,
      "req",
      "-x509",
      ...ec,
      "-days",
      "1",
      "-subj",
      "/CN=Ticketd test CA",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign",
      "-keyout",
      "ca.key",
      "-out",
      "ca.crt",
    );
    await openssl(
      dir,
      "req",
      ...ec,
      "-subj",
      "/CN=localhost",
      "-keyout",
      "srv.key",
      "-out",
      "srv.csr",
    );
    await Deno.writeTextFile(
      `${dir}/ext`,
      "subjectAltName=DNS:localhost,IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
    );
    await openssl(
      dir,
      "x509",
      "-req",
      "-in",
      "srv.csr",
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-days",
      "1",
      "-extfile",
      "ext",
      "-out",
      "srv.crt",
    );
    const read = (name: string) => Deno.readTextFile(`${dir}/${name}`);
    return {
      caPem: await read("ca.crt"),
      certPem: await read("srv.crt"),
      keyPem: await read("srv.key"),
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

async function openssl(cwd: string, ...args: string[]): Promise<void> {
  const out = await new Deno.Command("openssl", { args, cwd, stdout: "null", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(out.stderr)}`);
  }
}

export interface RelayOptions {
  tls: "starttls" | "implicit" | "none";
  ca: TestCa;
  /** 0 = a free one. */
  port?: number;
  /** Recipients refused with 550. */
  refuse?: string[];
  /** When set, AUTH is required and only this login passes. */
  login?: { user: string; pass: string };
}

export interface TestRelay {
  port: number;
  /** Mails accepted, parsed, with the session's TLS state. */
  received: { mail: ParsedMail; secure: boolean }[];
  /** MAIL FROM commands seen (accepted or not). */
  mailFromCount(): number;
  stop(): Promise<void>;
}

/** Starts a relay on 127.0.0.1. */
export async function startTestRelay(options: RelayOptions): Promise<TestRelay> {
  const received: TestRelay["received"] = [];
  let mailFroms = 0;
  const server = new SMTPServer({
    secure: options.tls === "implicit",
    key: options.ca.keyPem,
    cert: options.ca.certPem,
    disabledCommands: [
      ...(options.tls === "none" ? ["STARTTLS"] : []),
      ...(options.login ? [] : ["AUTH"]),
    ],
    authOptional: !options.login,
    onAuth(auth, _session, callback) {
      const { user, pass } = options.login ?? {};
      if (auth.username === user && auth.password === pass) return callback(null, { user });
      callback(Object.assign(new Error("Bad login"), { responseCode: 535 }));
    },
    logger: false,
    closeTimeout: 1_000,
    onMailFrom(_address, _session, callback) {
      mailFroms++;
      callback();
    },
    onRcptTo(address, _session, callback) {
      if (options.refuse?.includes(address.address)) {
        return callback(Object.assign(new Error("No such user"), { responseCode: 550 }));
      }
      callback();
    },
    onData(stream: Readable, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", async () => {
        received.push({ mail: await simpleParser(Buffer.concat(chunks)), secure: session.secure });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  // A client that refuses our certificate ends its session with an alert: expected, not a crash.
  server.on("error", () => {});
  // deno-lint-ignore no-explicit-any
  const port = ((server as any).server.address() as { port: number }).port;
  return {
    port,
    received,
    mailFromCount: () => mailFroms,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
