import { registerEnumType } from "type-graphql";

export enum TeamRole {
  MAINTAINER = "MAINTAINER",
  MEMBER = "MEMBER",
}

registerEnumType(TeamRole, {
  name: "TeamRole",
  valuesConfig: {
    MAINTAINER: { description: "Manages the team's tokens and members." },
    MEMBER: { description: "Sees the team's tokens." },
  },
});
