import type { DataSource } from "typeorm";
import { Organization } from "../organization/organization.entity";
import { Team } from "../team/team.entity";
import { User } from "../user/user.entity";

const MAX_NAMES = 10_000;

/**
 * The names gateways put in Lapse-Subject, by id, remembered by this process. Lapse has no way to
 * rename an organization, a team or a login (a deleted team keeps its name and a new one gets a new
 * id), so a remembered name is never stale and verification needs no read for it. If renaming is
 * ever added, it must forget the id here.
 */
export class SubjectNames {
  private readonly names = new Map<string, string>();

  constructor(private readonly dataSource: DataSource) {}

  organization(id: string): Promise<string> {
    return this.remembered(
      `o:${id}`,
      async () => (await this.dataSource.manager.findOneBy(Organization, { id }))?.name,
    );
  }

  team(id: string): Promise<string> {
    return this.remembered(
      `t:${id}`,
      async () => (await this.dataSource.manager.findOneBy(Team, { id }))?.name,
    );
  }

  login(id: string): Promise<string> {
    return this.remembered(
      `u:${id}`,
      async () => (await this.dataSource.manager.findOneBy(User, { id }))?.login,
    );
  }

  private async remembered(key: string, read: () => Promise<string | undefined>): Promise<string> {
    const known = this.names.get(key);
    if (known !== undefined) return known;
    const name = await read();
    if (name === undefined) return "";
    // Oldest first out once full: Map keeps insertion order.
    if (this.names.size >= MAX_NAMES) this.names.delete(this.names.keys().next().value!);
    this.names.set(key, name);
    return name;
  }
}
