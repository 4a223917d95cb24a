/**
 * A throwaway CA for the email tests' TLS (the SMTP listener's STARTTLS, outbound's relays),
 * made with the openssl CLI: no key or certificate is ever checked in.
 * @module
 */

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
