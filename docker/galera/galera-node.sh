#!/bin/sh
# Starts one Galera node. NODE_NAME: this node's host name; CLUSTER: every node's host name,
# comma-separated; BOOTSTRAP=1 on the node that founds the cluster, which on its first start also
# creates the `lapse` database and user (LAPSE_PASSWORD). The other nodes start empty and receive
# everything by state transfer (rsync) from a running node.
set -eu
datadir=/var/lib/mysql
chown -R mysql:mysql "$datadir"
set -- --user=mysql --datadir="$datadir" --bind-address=0.0.0.0 --port=3306 \
  --binlog-format=ROW --innodb-autoinc-lock-mode=2 --default-storage-engine=InnoDB \
  --innodb-buffer-pool-size=256M \
  --wsrep-on=ON --wsrep-provider=/usr/lib/galera/libgalera_smm.so \
  --wsrep-cluster-name=lapse --wsrep-cluster-address="gcomm://$CLUSTER" \
  --wsrep-node-name="$NODE_NAME" --wsrep-node-address="$NODE_NAME" \
  --wsrep-sst-method=rsync

if [ "${BOOTSTRAP:-0}" = 1 ] && [ ! -d "$datadir/mysql" ]; then
  mariadb-install-db --user=mysql --datadir="$datadir" --skip-test-db >/dev/null
  cat >/run/mysqld/init.sql <<SQL
CREATE DATABASE IF NOT EXISTS lapse;
CREATE USER IF NOT EXISTS 'lapse'@'%' IDENTIFIED BY '${LAPSE_PASSWORD}';
GRANT ALL ON lapse.* TO 'lapse'@'%';
SQL
  exec mariadbd "$@" --wsrep-new-cluster --init-file=/run/mysqld/init.sql
fi
# After the whole cluster stopped, only the node that stopped last may found it again: Galera
# marks it safe_to_bootstrap. Any other node (and this one while others run) joins.
if [ "${BOOTSTRAP:-0}" = 1 ] && grep -q '^safe_to_bootstrap: *1' "$datadir/grastate.dat" 2>/dev/null; then
  exec mariadbd "$@" --wsrep-new-cluster
fi
exec mariadbd "$@"
