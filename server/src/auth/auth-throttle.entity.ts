import { Column, Entity, PrimaryColumn } from "typeorm";

/** Failed authentications counted against one key (a client address or a token), in the current window. */
@Entity({ name: "auth_throttle" })
export class AuthThrottle {
  @PrimaryColumn({ name: "throttle_key", type: "varchar", length: 100 })
  key: string;

  @Column({ name: "window_started_ms", type: "bigint" })
  windowStartedMs: string;

  @Column({ type: "int" })
  failures: number;

  @Column({ name: "blocked_until_ms", type: "bigint", default: 0 })
  blockedUntilMs: string;
}
