#!/bin/sh
# OpenMPI's rsh agent for the emulated cluster (jobs/emulated-cluster.sh):
# `emulated-rsh.sh HOST CMD...` runs CMD, as ssh would, on emulated host HOST
# (198.18.0.K is namespace bvh<K-1>): inside its network namespace and in a
# UTS namespace of its own whose host name is the namespace's name.
set -eu
host=$1
shift
case $host in
198.18.0.*) k=${host##*.} ;;
*) echo "emulated-rsh: '$host' is not an emulated host (198.18.0.K)" >&2; exit 255 ;;
esac
ns=bvh$((k - 1))
exec ip netns exec "$ns" unshare --uts /bin/sh -c "hostname $ns && exec /bin/sh -c \"\$0\"" "$*"
