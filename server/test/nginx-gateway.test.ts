import { spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { spawnTied } from "./tied-process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CREATE_PERSONAL_TOKEN_WITH_SCOPES,
  CREATE_TEAM_TOKEN,
  REVOKE_TOKEN,
  mustCreate,
} from "./operations";
import { TestServer } from "./harness";
import { freePort } from "./private-mariadb";
import { seedOrg, type SeededOrg } from "./seed";
import { testStores } from "./stores";

/**
 * Debian's nginx in front of a small upstream, asking Lapse with auth_request before every request:
 * the README's snippet, run for real. CI installs nginx; elsewhere the test says why it skips.
 */
const NGINX = "/usr/sbin/nginx";
const canRun = fs.existsSync(NGINX);
if (!canRun && process.env.CI) {
  throw new Error("CI must run the nginx gateway test: install nginx (apt-get install nginx).");
}

const HOUR = 3_600_000;

for (const store of testStores()) {
  describe.skipIf(!canRun)(`nginx auth_request in front of a service [${store.kind}]`, () => {
    const lapse = new TestServer(store);
    let upstream: Server;
    let nginx: ChildProcess;
    let dir: string;
    let gateway = "";
    let org: SeededOrg;
    let team: string;

    beforeAll(async () => {
      await lapse.start();
      org = await seedOrg(lapse);
      team = await org.team();
      upstream = createServer((req, res) => {
        res.setHeader("content-type", "text/plain");
        res.end(`hello ${req.headers["lapse-subject"] ?? "nobody"}`);
      });
      await new Promise<void>((resolve) => upstream.listen(0, "127.0.0.1", resolve));
      const port = await freePort();
      dir = fs.mkdtempSync(path.join(os.tmpdir(), "lapse-nginx-"));
      const lapsePort = new URL(lapse.url).port;
      const upstreamPort = (upstream.address() as AddressInfo).port;
      fs.writeFileSync(
        path.join(dir, "nginx.conf"),
        `daemon off;
master_process off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location / {
      auth_request /_lapse;
      auth_request_set $lapse_subject $upstream_http_lapse_subject;
      proxy_set_header Lapse-Subject $lapse_subject;
      proxy_pass http://127.0.0.1:${upstreamPort};
    }
    location = /_lapse {
      internal;
      proxy_pass http://127.0.0.1:${lapsePort}/api/auth/verify?org=${org.name}&scope=deploy:prod;
      proxy_pass_request_body off;
      proxy_set_header Content-Length "";
      proxy_set_header X-Forwarded-For $remote_addr;
    }
  }
}
`,
      );
      const checked = spawnSync(NGINX, ["-t", "-p", dir, "-c", `${dir}/nginx.conf`]);
      expect(checked.status, checked.stderr.toString()).toBe(0);
      nginx = spawnTied(NGINX, ["-p", dir, "-c", `${dir}/nginx.conf`], { stdio: "ignore" });
      gateway = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 100; i++) {
        const up = await fetch(gateway).then(
          () => true,
          () => false,
        );
        if (up) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }, 60_000);

    afterAll(async () => {
      nginx?.kill("SIGTERM");
      await new Promise((resolve) => upstream?.close(resolve));
      await lapse.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    const through = async (secret?: string) => {
      const response = await fetch(`${gateway}/orders`, {
        headers: secret ? { authorization: `Bearer ${secret}` } : {},
      });
      return { status: response.status, body: await response.text() };
    };

    const teamToken = async (scopes: string[], extra: Record<string, unknown> = {}) =>
      mustCreate(
        lapse,
        `mutation($o: String!, $t: String!, $n: String!, $s: [String!], $e: DateTime) {
          createTeamToken(organization: $o, team: $t, name: $n, scopes: $s, expiresAt: $e) { secret token { id } }
        }`,
        {
          o: org.name,
          t: team,
          n: `gw-${Math.random().toString(36).slice(2, 8)}`,
          s: scopes,
          ...extra,
        },
        org.admin.secret,
      );

    it("lets a good token through, with its subject passed to the service", async () => {
      const { secret } = await teamToken(["deploy:prod"]);
      expect(await through(secret)).toEqual({
        status: 200,
        body: `hello team:${org.name}/${team}`,
      });
    });

    it("stops missing, unknown, expired and revoked tokens with 401, a revocation at the very next request", async () => {
      expect((await through()).status).toBe(401);
      expect((await through(`lapse_tat_${"Z".repeat(38)}`)).status).toBe(401);
      const expiring = await teamToken(["deploy:prod"], {
        e: new Date(lapse.clock.now().getTime() + HOUR).toISOString(),
      });
      expect((await through(expiring.secret)).status).toBe(200);
      lapse.clock.advance(HOUR);
      expect((await through(expiring.secret)).status).toBe(401);
      lapse.clock.reset();
      const revoked = await teamToken(["deploy:prod"]);
      expect((await through(revoked.secret)).status).toBe(200);
      await lapse.gql(REVOKE_TOKEN, { id: revoked.token.id }, org.admin.secret);
      expect((await through(revoked.secret)).status).toBe(401);
    });

    it("stops a token without the scope, of another organization, or used from outside its networks with 403", async () => {
      expect((await through((await teamToken(["deploy:staging"])).secret)).status).toBe(403);
      const other = await seedOrg(lapse);
      const otherTeam = await other.team();
      const theirs = await mustCreate(
        lapse,
        CREATE_TEAM_TOKEN,
        { organization: other.name, team: otherTeam, name: "theirs" },
        other.admin.secret,
      );
      expect((await through(theirs.secret)).status).toBe(403);
      const bound = (cidr: string) =>
        mustCreate(
          lapse,
          CREATE_PERSONAL_TOKEN_WITH_SCOPES,
          {
            name: `bound-${Math.random().toString(36).slice(2, 8)}`,
            scopes: ["deploy:prod"],
            allowedCidrs: [cidr],
          },
          org.admin.secret,
        );
      // nginx passes the client's address (127.0.0.1 here) in X-Forwarded-For.
      expect((await through((await bound("10.0.0.0/8")).secret)).status).toBe(403);
      expect((await through((await bound("127.0.0.0/8")).secret)).status).toBe(200);
    });
  });
}
