import { Column, Entity, JoinColumn, ManyToOne } from "typeorm";
import { CreatedAtColumn, IdColumn, RefColumn } from "../../db/columns";
import { User } from "../user/user.entity";
import { OrganizationRole } from "./organization.types";

@Entity({ name: "memberships" })
export class Membership {
  @IdColumn()
  id: string;

  @RefColumn("organization_id")
  organizationId: string;

  @RefColumn("user_id")
  userId: string;

  @ManyToOne(() => User)
  @JoinColumn({ name: "user_id" })
  user?: User;

  @Column({ type: "varchar", length: 16 })
  role: OrganizationRole;

  @CreatedAtColumn()
  createdAt: Date;
}
