#!/bin/sh
# Renders deploy/nginx/nano-banana.conf for the Nginx container of compose.yaml, by the same text
# replacement as provision.sh: the domain, and the app's address on the compose network. The image
# (Dockerfile, target `web`) runs it from /docker-entrypoint.d/ before Nginx starts.
set -eu

domain=${NANO_BANANA_DOMAIN:-}
upstream=${NANO_BANANA_UPSTREAM:-app:3000}
template=${NANO_BANANA_TEMPLATE:-/etc/nano-banana/nano-banana.conf}
out=${NANO_BANANA_NGINX_CONF:-/etc/nginx/conf.d/default.conf}

case $domain in
  '' | *[!A-Za-z0-9.-]*)
    echo "docker-entrypoint.sh: set NANO_BANANA_DOMAIN to the site's domain name (now '$domain')" >&2
    exit 1
    ;;
esac
case $upstream in
  *[!A-Za-z0-9.:_-]*)
    echo "docker-entrypoint.sh: NANO_BANANA_UPSTREAM must be host:port (now '$upstream')" >&2
    exit 1
    ;;
esac

# Without IPv6 in the container, a [::] listen would stop Nginx from starting.
drop_ipv6=''
if [ ! -f /proc/net/if_inet6 ]; then drop_ipv6='/listen \[::\]/d'; fi

sed -e "s/example\.com/$domain/g" \
  -e "s/server 127\.0\.0\.1:3000;/server $upstream;/" \
  -e "$drop_ipv6" \
  "$template" >"$out"
echo "docker-entrypoint.sh: $out written for $domain, app at $upstream"
