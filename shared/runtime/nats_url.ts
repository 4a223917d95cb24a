/**
 * NATS URLs may carry credentials (`nats://user:password@host:4222`, `nats://token@host:4222`,
 * several servers separated by commas), but the nats.js client ignores credentials in a URL: they
 * are taken out here and passed as the client's `user`/`pass` or `token` options.
 * @module
 */

export interface NatsServerOptions {
  servers: string[];
  user?: string;
  pass?: string;
  token?: string;
}

/** The servers of `url` without credentials, and the credentials as client options. */
export function natsServerOptions(url: string): NatsServerOptions {
  const options: NatsServerOptions = { servers: [] };
  for (const server of url.split(",").map((s) => s.trim()).filter(Boolean)) {
    const match = /^([a-z]+:\/\/)?(?:([^@/]*)@)?(.*)$/i.exec(server)!;
    const [, scheme = "", userinfo, rest] = match;
    options.servers.push(`${scheme}${rest}`);
    if (userinfo === undefined || options.user || options.token) continue;
    const colon = userinfo.indexOf(":");
    if (colon < 0) options.token = decodeURIComponent(userinfo);
    else {
      options.user = decodeURIComponent(userinfo.slice(0, colon));
      options.pass = decodeURIComponent(userinfo.slice(colon + 1));
    }
  }
  return options;
}
