/**
 * A receiving SMTP relay for outbound's tests: `smtp-server` with STARTTLS, implicit TLS or no
 * TLS at all, certificates from a throwaway CA (`testing/test_ca.ts`), every accepted mail
 * parsed with mailparser, and every MAIL FROM counted (so a test can prove nothing was sent).
 * @module
 */
import { Buffer } from "node:buffer";
import type { Readable } from "node:stream";
import { type ParsedMail, simpleParser } from "mailparser";
import { SMTPServer } from "smtp-server";
import type { TestCa } from "../testing/test_ca.ts";

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
  /** Mails accepted, parsed, with the session's TLS state and the envelope's recipients. */
  received: { mail: ParsedMail; secure: boolean; rcptTo: string[] }[];
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
        received.push({
          mail: await simpleParser(Buffer.concat(chunks)),
          secure: session.secure,
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
        });
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
