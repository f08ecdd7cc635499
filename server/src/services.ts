import type { DataSource } from "typeorm";
import { AuditService } from "./modules/audit/audit.service";
import { BootstrapService } from "./modules/bootstrap/bootstrap.service";
import { OrganizationService } from "./modules/organization/organization.service";
import { TeamService } from "./modules/team/team.service";
import { TokenAccessPolicy } from "./modules/token/token-access";
import { TokenListService } from "./modules/token/token-list.service";
import { TokenService } from "./modules/token/token.service";
import { ViewerService } from "./modules/token/viewer.service";
import { UserService } from "./modules/user/user.service";

/** Wires the services over one DataSource; tests build their own with their own store. */
export function createServices(dataSource: DataSource) {
  const audit = new AuditService();
  const users = new UserService();
  const organizations = new OrganizationService(dataSource, audit, users);
  const teams = new TeamService(dataSource, audit, organizations);
  const tokens = new TokenService(dataSource, audit, organizations, teams, new TokenAccessPolicy());
  return {
    audit,
    users,
    organizations,
    teams,
    tokens,
    tokenList: new TokenListService(dataSource, organizations),
    viewer: new ViewerService(),
    bootstrap: new BootstrapService(dataSource, organizations, tokens, users),
  };
}

export type Services = ReturnType<typeof createServices>;
