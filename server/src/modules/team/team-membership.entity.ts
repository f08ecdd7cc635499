import { Column, Entity, JoinColumn, ManyToOne } from "typeorm";
import { CreatedAtColumn, IdColumn, RefColumn } from "../../db/columns";
import { User } from "../user/user.entity";
import { TeamRole } from "./team.types";

@Entity({ name: "team_memberships" })
export class TeamMembership {
  @IdColumn()
  id: string;

  @RefColumn("team_id")
  teamId: string;

  @RefColumn("user_id")
  userId: string;

  @ManyToOne(() => User)
  @JoinColumn({ name: "user_id" })
  user?: User;

  @Column({ type: "varchar", length: 16 })
  role: TeamRole;

  @CreatedAtColumn()
  createdAt: Date;
}
