#!/usr/bin/env bash
# Starts a private CUPS scheduler in DIR (its own config, spool and socket; the system's CUPS is
# untouched) with two cups-pdf queues, "shopdesk-labels" and "shopdesk-docs". cups-pdf writes
# each job to <home of the user who printed>/PDF/<title>-job_<id>.pdf. Prints two lines: the
# socket path for CUPS_SERVER, and that PDF directory. Needs root (cupsd drops to the lp user) and: apt install cups printer-driver-cups-pdf
set -euo pipefail
dir=${1:?usage: cupsd.sh DIR}
mkdir -p "$dir"/{spool,cache,state,log}
chmod 755 "$dir"
chgrp lp "$dir"/spool "$dir"/cache "$dir"/state
chmod 775 "$dir"/spool "$dir"/cache "$dir"/state
cat > "$dir/cups-files.conf" <<CONF
ServerRoot $dir
RequestRoot $dir/spool
CacheDir $dir/cache
StateDir $dir/state
TempDir $dir/spool
ErrorLog $dir/log/error_log
AccessLog $dir/log/access_log
PageLog $dir/log/page_log
ServerBin /usr/lib/cups
DataDir /usr/share/cups
SystemGroup root
User lp
Group lp
CONF
cat > "$dir/cupsd.conf" <<CONF
Listen $dir/cups.sock
LogLevel warn
WebInterface No
Browsing Off
DefaultAuthType None
<Location />
  Order allow,deny
  Allow all
</Location>
<Policy default>
  <Limit All>
    Order deny,allow
  </Limit>
</Policy>
CONF
cupsd -f -c "$dir/cupsd.conf" -s "$dir/cups-files.conf" >"$dir/log/stdout" 2>&1 &
echo $! > "$dir/pid"
# On any failure below: say why and stop the scheduler, so no cupsd is left behind.
trap 'echo "cupsd.sh failed; scheduler log:" >&2; cat "$dir"/log/* >&2 2>/dev/null; kill "$(cat "$dir/pid")" 2>/dev/null' ERR
export CUPS_SERVER="$dir/cups.sock"
# A busy machine (a build on every core) can take seconds to bring the scheduler up.
for _ in $(seq 300); do
  lpstat -r >/dev/null 2>&1 && break
  sleep 0.1
done
lpstat -r >/dev/null
for q in shopdesk-labels shopdesk-docs; do
  for attempt in 1 2 3 4 5; do
    # "Printer drivers are deprecated" is CUPS' standing warning about PPDs, not an error.
    if lpadmin -p "$q" -E -v cups-pdf:/ -P /usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd 2>"$dir/log/lpadmin"; then
      break
    fi
    [ "$attempt" = 5 ] && { cat "$dir/log/lpadmin" >&2; false; }
    sleep 1
  done
done
echo "$dir/cups.sock"
echo "$(getent passwd "$(id -un)" | cut -d: -f6)/PDF"
