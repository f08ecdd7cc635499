import { v7 as uuidv7 } from "uuid";
import type { EntityManager } from "typeorm";
import type { RequestContext } from "../../context";
import { User } from "./user.entity";

export class UserService {
  /** The user with `login`, created (not a site admin) if there is none yet. */
  async findOrCreate(ctx: RequestContext, manager: EntityManager, login: string): Promise<User> {
    const existing = await manager.findOneBy(User, { login });
    if (existing) return existing;
    return manager.save(
      manager.create(User, { id: uuidv7(), login, siteAdmin: false, createdAt: ctx.clock.now() }),
    );
  }
}
