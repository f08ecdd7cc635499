CREATE TABLE `access_tokens` (
  `id` varchar(36) NOT NULL,
  `kind` varchar(16) NOT NULL,
  `name` varchar(40) NOT NULL,
  `description` varchar(1024) DEFAULT NULL,
  `digest` varchar(64) NOT NULL,
  `hint` varchar(32) NOT NULL,
  `admin` tinyint(1) NOT NULL DEFAULT 0,
  `source` varchar(16) NOT NULL,
  `organization_id` varchar(36) DEFAULT NULL,
  `team_id` varchar(36) DEFAULT NULL,
  `owner_id` varchar(36) DEFAULT NULL,
  `created_by_id` varchar(36) DEFAULT NULL,
  `name_key` varchar(40) DEFAULT NULL,
  `replaced_token_id` varchar(36) DEFAULT NULL,
  `oidc_issuer_id` varchar(36) DEFAULT NULL,
  `oidc_subject` varchar(255) DEFAULT NULL,
  `created_at` datetime(3) NOT NULL,
  `expires_at` datetime(3) NOT NULL,
  `revoked_at` datetime(3) DEFAULT NULL,
  `rotated_at` datetime(3) DEFAULT NULL,
  `last_used_at` datetime(3) DEFAULT NULL,
  `last_refused_at` datetime(3) DEFAULT NULL,
  `expiry_recorded_at` datetime(3) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_access_tokens_digest` (`digest`),
  UNIQUE KEY `uq_access_tokens_org_name` (`organization_id`,`name_key`),
  UNIQUE KEY `uq_access_tokens_owner_name` (`owner_id`,`name_key`),
  KEY `ix_access_tokens_team_expiry` (`team_id`,`expires_at`,`id`),
  KEY `ix_access_tokens_creator_expiry` (`created_by_id`,`expires_at`,`id`),
  KEY `ix_access_tokens_org_created` (`organization_id`,`created_at`,`id`),
  KEY `ix_access_tokens_org_last_used` (`organization_id`,`last_used_at`,`id`),
  KEY `ix_access_tokens_org_name_order` (`organization_id`,`name`,`id`),
  KEY `ix_access_tokens_expiry_sweep` (`expiry_recorded_at`,`expires_at`),
  KEY `ix_access_tokens_org_expiry` (`organization_id`,`expires_at`,`id`,`kind`,`revoked_at`,`last_used_at`,`created_at`),
  KEY `ix_access_tokens_owner_expiry` (`owner_id`,`expires_at`,`id`,`kind`,`revoked_at`,`last_used_at`,`created_at`),
  CONSTRAINT `FK_1fc311e9eb44583eec3b56eefa4` FOREIGN KEY (`created_by_id`) REFERENCES `users` (`id`),
  CONSTRAINT `FK_2ce0dfe6bca0c7c354067e4c79f` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`),
  CONSTRAINT `FK_3eec0cbf9903a661a57e137006c` FOREIGN KEY (`owner_id`) REFERENCES `users` (`id`),
  CONSTRAINT `FK_ddc3423510ac08437a0bcc43da9` FOREIGN KEY (`team_id`) REFERENCES `teams` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE `audit_events` (
  `id` varchar(36) NOT NULL,
  `type` varchar(40) NOT NULL,
  `created_at` datetime(3) NOT NULL,
  `organization_id` varchar(36) DEFAULT NULL,
  `actor_user_id` varchar(36) DEFAULT NULL,
  `actor_login` varchar(40) DEFAULT NULL,
  `actor_token_id` varchar(36) DEFAULT NULL,
  `actor_token_name` varchar(40) DEFAULT NULL,
  `actor_token_kind` varchar(16) DEFAULT NULL,
  `token_id` varchar(36) DEFAULT NULL,
  `token_name` varchar(40) DEFAULT NULL,
  `team_id` varchar(36) DEFAULT NULL,
  `ip` varchar(64) DEFAULT NULL,
  `user_agent` varchar(512) DEFAULT NULL,
  `request_id` varchar(64) DEFAULT NULL,
  `payload` text DEFAULT NULL,
  PRIMARY KEY (`id`),
  KEY `ix_audit_events_org_time` (`organization_id`,`created_at`,`id`),
  KEY `ix_audit_events_token_time` (`token_id`,`created_at`),
  KEY `ix_audit_events_org_actor_login_time` (`organization_id`,`actor_login`,`created_at`,`id`),
  KEY `ix_audit_events_org_actor_token_time` (`organization_id`,`actor_token_id`,`created_at`,`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE `auth_throttle` (
  `throttle_key` varchar(100) NOT NULL,
  `window_started_ms` bigint(20) NOT NULL,
  `failures` int(11) NOT NULL,
  `blocked_until_ms` bigint(20) NOT NULL DEFAULT 0,
  PRIMARY KEY (`throttle_key`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE `invitations` (
  `id` varchar(36) NOT NULL,
  `organization_id` varchar(36) NOT NULL,
  `login` varchar(40) NOT NULL,
  `role` varchar(16) NOT NULL,
  `code_digest` varchar(64) NOT NULL,
  `created_by_id` varchar(36) DEFAULT NULL,
  `created_at` datetime(3) NOT NULL,
  `expires_at` datetime(3) NOT NULL,
  `redeemed_at` datetime(3) DEFAULT NULL,
  `redeemed_by_id` varchar(36) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_invitations_code` (`code_digest`),
  KEY `ix_invitations_org_time` (`organization_id`,`created_at`),
  CONSTRAINT `FK_42d1dbb4d85dc3643fdc6560af0` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE `job_leases` (
  `name` varchar(64) NOT NULL,
  `holder` varchar(64) NOT NULL,
  `lease_until` datetime(3) NOT NULL,
  PRIMARY KEY (`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE `memberships` (
  `id` varchar(36) NOT NULL,
  `organization_id` varchar(36) NOT NULL,
  `user_id` varchar(36) NOT NULL,
  `role` varchar(16) NOT NULL,
  `created_at` datetime(3) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_memberships_org_user` (`organization_id`,`user_id`),
  KEY `ix_memberships_user` (`user_id`),
  CONSTRAINT `FK_7c1e2fdfed4f6838e0c05ae5051` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`),
  CONSTRAINT `FK_e5380c394ec7912046d07b54290` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE `oidc_issuers` (
  `id` varchar(36) NOT NULL,
  `organization_id` varchar(36) NOT NULL,
  `name` varchar(40) NOT NULL,
  `url` varchar(512) NOT NULL,
  `jwks` text DEFAULT NULL,
  `max_expiration_seconds` int(11) NOT NULL,
  `policies` text DEFAULT NULL,
  `created_at` datetime(3) NOT NULL,
  `updated_at` datetime(3) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_oidc_issuers_org_name` (`organization_id`,`name`),
  UNIQUE KEY `uq_oidc_issuers_org_url` (`organization_id`,`url`),
  CONSTRAINT `FK_ab59c2f4a41ef12d6b67dd66b31` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE `oidc_jtis` (
  `id` varchar(36) NOT NULL,
  `issuer_id` varchar(36) NOT NULL,
  `jti_digest` varchar(64) NOT NULL,
  `expires_at` datetime(3) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_oidc_jtis_issuer_jti` (`issuer_id`,`jti_digest`),
  KEY `ix_oidc_jtis_expiry` (`expires_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE `organizations` (
  `id` varchar(36) NOT NULL,
  `name` varchar(40) NOT NULL,
  `edition` varchar(32) NOT NULL,
  `max_token_lifetime_days` int(11) DEFAULT NULL,
  `created_at` datetime(3) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_organizations_name` (`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE `sessions` (
  `id` varchar(36) NOT NULL,
  `digest` varchar(64) NOT NULL,
  `token_id` varchar(36) NOT NULL,
  `user_id` varchar(36) NOT NULL,
  `created_at` datetime(3) NOT NULL,
  `expires_at` datetime(3) NOT NULL,
  `ended_at` datetime(3) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_sessions_digest` (`digest`),
  KEY `ix_sessions_expiry` (`expires_at`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE `teams` (
  `id` varchar(36) NOT NULL,
  `organization_id` varchar(36) NOT NULL,
  `name` varchar(40) NOT NULL,
  `active_name` varchar(40) DEFAULT NULL,
  `created_at` datetime(3) NOT NULL,
  `deleted_at` datetime(3) DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_teams_org_active_name` (`organization_id`,`active_name`),
  CONSTRAINT `FK_fdc736f761896ccc179c823a785` FOREIGN KEY (`organization_id`) REFERENCES `organizations` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE `team_memberships` (
  `id` varchar(36) NOT NULL,
  `team_id` varchar(36) NOT NULL,
  `user_id` varchar(36) NOT NULL,
  `role` varchar(16) NOT NULL,
  `created_at` datetime(3) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_team_memberships_team_user` (`team_id`,`user_id`),
  KEY `ix_team_memberships_user` (`user_id`),
  CONSTRAINT `FK_b917b8603c6d5c526fcdb2009de` FOREIGN KEY (`team_id`) REFERENCES `teams` (`id`),
  CONSTRAINT `FK_c9eb2ded8e0e2f4bcb41fd0984a` FOREIGN KEY (`user_id`) REFERENCES `users` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;

CREATE TABLE `users` (
  `id` varchar(36) NOT NULL,
  `login` varchar(40) NOT NULL,
  `site_admin` tinyint(1) NOT NULL DEFAULT 0,
  `created_at` datetime(3) NOT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uq_users_login` (`login`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
