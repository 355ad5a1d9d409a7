#!/usr/bin/env bash
# Installs fieldsvc as a production server on Debian or Ubuntu, as root, in one command:
#   sudo bash scripts/install-server.sh --domain bins.example.go.th        # public domain
#   sudo bash scripts/install-server.sh                                    # office LAN
#   sudo bash scripts/install-server.sh --postgres --domain …              # PostgreSQL + PostGIS
# What it sets up: a system user, /var/lib/fieldsvc, a venv in /opt/fieldsvc, the systemd service
# (workers = cores, restart on failure, bound to 127.0.0.1), /etc/fieldsvc/fieldsvc.env, Caddy
# (Debian's package) as the HTTPS reverse proxy, and a daily backup timer with retention.
# Idempotent: running it again changes nothing that is already right. Nothing is downloaded but
# Debian and Python packages.
#   --root DIR   write every file under DIR and install/start nothing (for review and tests)
# Without a running systemd (a container), files are written and services are not started.
set -euo pipefail

domain="" email="" lan_address="" postgres=0 root="" port=8000 keep=14 workers=""
source_dir=$(cd "$(dirname "$0")/.." && pwd)
usage() { sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; echo "options: --domain D --email E --lan-address IP --postgres --port N --keep N --workers N --source DIR --root DIR"; }
while [ $# -gt 0 ]; do
  case "$1" in
    --domain) domain=$2; shift 2 ;;
    --email) email=$2; shift 2 ;;
    --lan-address) lan_address=$2; shift 2 ;;
    --postgres) postgres=1; shift ;;
    --port) port=$2; shift 2 ;;
    --keep) keep=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --source) source_dir=$2; shift 2 ;;
    --root) root=${2%/}; shift 2 ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done

say() { printf '%s\n' "$*"; }
staged() { [ -n "$root" ]; }
if ! staged && [ "$(id -u)" != 0 ]; then say "run as root (sudo) / ต้องรันด้วยสิทธิ์ root" >&2; exit 2; fi
systemd_running=0
if ! staged && [ -d /run/systemd/system ]; then systemd_running=1; fi

# workers from the core count (1..8): each is one Python process of ~150 MB
# (OpenMP variables change what nproc answers; the server wants the cores it may use)
if [ -z "$workers" ]; then workers=$(env -u OMP_NUM_THREADS -u OMP_THREAD_LIMIT nproc); fi
if [ "$workers" -lt 1 ]; then workers=1; fi
if [ "$workers" -gt 8 ]; then workers=8; fi
if [ -z "$domain" ] && [ -z "$lan_address" ]; then
  lan_address=$(hostname -I 2>/dev/null | awk '{print $1}')
  lan_address=${lan_address:-127.0.0.1}
fi
site=${domain:-$lan_address}
public_url="https://$site"

user=fieldsvc
data_dir=/var/lib/fieldsvc
venv=/opt/fieldsvc/venv
etc=/etc/fieldsvc
page_dir=/srv/fieldsvc/office-ca
changed=0

# put_file PATH MODE: write stdin to $root/PATH only when the content differs
put_file() {
  local path=$root$1 mode=$2 tmp
  mkdir -p "$(dirname "$path")"
  tmp=$(mktemp)
  cat >"$tmp"
  if [ -f "$path" ] && cmp -s "$tmp" "$path"; then
    rm -f "$tmp"
  else
    mv "$tmp" "$path"; changed=1; say "  wrote $1"
  fi
  chmod "$mode" "$path"
}

say "fieldsvc server install → ${root:-/} (site $site, $workers workers)"

# --- packages, user, folders -------------------------------------------------------------
packages=(python3 python3-venv caddy)
[ "$postgres" = 1 ] && packages+=(postgresql postgis)
if ! staged; then
  missing=()
  for p in "${packages[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}"
  fi
  id -u "$user" >/dev/null 2>&1 || useradd --system --home-dir "$data_dir" --shell /usr/sbin/nologin "$user"
fi
mkdir -p "$root$data_dir/backups" "$root$data_dir/media" "$root$etc" "$root$page_dir" "$root/opt/fieldsvc"
chmod 750 "$root$data_dir"
if ! staged; then chown -R "$user:$user" "$data_dir"; fi

# --- fieldsvc in its own venv ------------------------------------------------------------
if ! staged; then
  if [ ! -f "$source_dir/fieldsvc/maps/static/vendor/MANIFEST.json" ]; then
    say "the front-end files are missing in $source_dir: run scripts/setup-python.sh there first" >&2
    exit 2
  fi
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  stamp="$venv/.installed-from"
  want=$(cd "$source_dir" && { git rev-parse HEAD 2>/dev/null || date -r pyproject.toml +%s; })
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    if [ -x "$venv/bin/fieldsvc" ] && [ -f "$etc/fieldsvc.env" ]; then
      # An upgrade: back up first; rolling back = the old version + restore of this archive.
      say "upgrade: backing up before installing the new version"
      runuser -u "$user" -- bash -c "set -a; . $etc/fieldsvc.env; set +a; exec $venv/bin/fieldsvc backup --out $data_dir/backups"
    fi
    "$venv/bin/pip" install -q --upgrade "$source_dir" && echo "$want" >"$stamp"; changed=1
  fi
fi

# --- database ----------------------------------------------------------------------------
env_file=$root$etc/fieldsvc.env
database_url=""
if [ "$postgres" = 1 ]; then
  password=$(sed -n 's#^FIELDSVC_DATABASE_URL=postgresql+psycopg://fieldsvc:\([^@]*\)@.*#\1#p' "$env_file" 2>/dev/null || true)
  password=${password:-$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')}
  database_url="postgresql+psycopg://fieldsvc:$password@127.0.0.1:5432/fieldsvc"
  if ! staged; then
    if [ "$systemd_running" = 1 ]; then
      systemctl enable --now postgresql
    else  # a container: start the cluster by hand
      pg_ctlcluster "$(ls /usr/lib/postgresql | sort -n | tail -n 1)" main start 2>/dev/null || true
    fi
    runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 -v pw="$password" <<'SQL'
SELECT format('CREATE ROLE fieldsvc LOGIN PASSWORD %L', :'pw')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'fieldsvc') \gexec
SELECT format('ALTER ROLE fieldsvc PASSWORD %L', :'pw') \gexec
SELECT 'CREATE DATABASE fieldsvc OWNER fieldsvc'
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'fieldsvc') \gexec
SQL
    runuser -u postgres -- psql -q -d fieldsvc -c "CREATE EXTENSION IF NOT EXISTS postgis"
  fi
fi

# --- settings: the keys this script manages are set, everything else is kept ------------
if [ ! -f "$env_file" ]; then
  put_file "$etc/fieldsvc.env" 640 <<EOF
# fieldsvc settings (see README, "Production"). Lines the installer manages are rewritten by it.
# Other settings you may add: FIELDSVC_OFFICE_NAME, FIELDSVC_OFFICE_NAME_EN, FIELDSVC_OFFICE_ADDRESS,
# FIELDSVC_OFFICE_PHONE, FIELDSVC_SIGNATORY_NAME, FIELDSVC_MAP_BASE_LAYER, FIELDSVC_TILES_DIR
EOF
fi
set_key() {
  local key=$1 value=$2 before
  before=$(cat "$env_file")
  if grep -q "^$key=" "$env_file"; then
    grep -v "^$key=" "$env_file" >"$env_file.new"
    printf '%s=%s\n' "$key" "$value" >>"$env_file.new"
    # keep the line in place when only its value would move
    if [ "$(grep "^$key=" "$env_file")" = "$key=$value" ]; then rm -f "$env_file.new"; return; fi
    mv "$env_file.new" "$env_file"
  else
    printf '%s=%s\n' "$key" "$value" >>"$env_file"
  fi
  [ "$before" != "$(cat "$env_file")" ] && changed=1 && say "  set $key"
  return 0
}
set_key FIELDSVC_DATA_DIR "$data_dir"
set_key FIELDSVC_PUBLIC_BASE_URL "$public_url"
set_key FIELDSVC_ENVIRONMENT production
set_key FIELDSVC_HOST 127.0.0.1
set_key FIELDSVC_PORT "$port"
set_key FIELDSVC_LOG_FORMAT json
set_key PYTHAINLP_OFFLINE 1
if [ -n "$database_url" ]; then set_key FIELDSVC_DATABASE_URL "$database_url"; fi
chmod 640 "$env_file"
if ! staged; then chown "root:$user" "$env_file"; fi

# --- systemd units -----------------------------------------------------------------------
after="network-online.target"
[ "$postgres" = 1 ] && after="$after postgresql.service"
put_file /etc/systemd/system/fieldsvc.service 644 <<EOF
[Unit]
Description=fieldsvc waste-bin survey server
After=$after
Wants=network-online.target

[Service]
Type=exec
User=$user
Group=$user
EnvironmentFile=$etc/fieldsvc.env
WorkingDirectory=$data_dir
ExecStartPre=$venv/bin/fieldsvc db upgrade
# Bound to loopback: only Caddy talks to it, and only Caddy's forwarded headers are trusted.
ExecStart=$venv/bin/uvicorn fieldsvc.api.app:create_app --factory --host 127.0.0.1 --port $port --workers $workers --proxy-headers --forwarded-allow-ips 127.0.0.1 --no-access-log
Restart=on-failure
RestartSec=5
NoNewPrivileges=yes
PrivateTmp=yes
ProtectSystem=strict
ProtectHome=yes
ReadWritePaths=$data_dir

[Install]
WantedBy=multi-user.target
EOF

put_file /etc/systemd/system/fieldsvc-backup.service 644 <<EOF
[Unit]
Description=fieldsvc backup (database, photos, checksum manifest)
After=fieldsvc.service

[Service]
Type=oneshot
User=$user
Group=$user
EnvironmentFile=$etc/fieldsvc.env
WorkingDirectory=$data_dir
ExecStart=$venv/bin/fieldsvc backup --out $data_dir/backups --keep $keep
Nice=10
IOSchedulingClass=idle
EOF

put_file /etc/systemd/system/fieldsvc-backup.timer 644 <<EOF
[Unit]
Description=Daily fieldsvc backup, keeping the newest $keep

[Timer]
OnCalendar=*-*-* 02:30:00
RandomizedDelaySec=15min
Persistent=true

[Install]
WantedBy=timers.target
EOF

# --- the admin command: fieldsvc as the service user, with its settings -----------------
put_file /usr/local/bin/fieldsvc-admin 755 <<EOF
#!/bin/sh
# fieldsvc as the service user with /etc/fieldsvc/fieldsvc.env, e.g. fieldsvc-admin doctor
exec runuser -u $user -- sh -c 'set -a; . $etc/fieldsvc.env; set +a; exec $venv/bin/fieldsvc "\$@"' fieldsvc "\$@"
EOF

# --- Caddy -------------------------------------------------------------------------------
if [ -n "$domain" ]; then
  global=""
  [ -n "$email" ] && global=$'{\n\temail '"$email"$'\n}\n\n'
  put_file /etc/caddy/Caddyfile 644 <<EOF
${global}# fieldsvc behind Caddy: certificates from the ACME CA, http:// redirects to https://.
$domain {
	encode gzip
	header Strict-Transport-Security "max-age=31536000; includeSubDomains"
	reverse_proxy 127.0.0.1:$port
}
EOF
else
  put_file /etc/caddy/Caddyfile 644 <<EOF
# fieldsvc on the office LAN: certificates from Caddy's own CA ("tls internal").
# Phones install the office certificate once from http://$site/office-ca/ (printable page).
http://$site {
	handle /office-ca/* {
		root * /srv/fieldsvc
		file_server
	}
	handle {
		redir https://{host}{uri} permanent
	}
}

https://$site {
	tls internal
	handle /office-ca/* {
		root * /srv/fieldsvc
		file_server
	}
	handle {
		reverse_proxy 127.0.0.1:$port
	}
}
EOF
  put_file $page_dir/index.html 644 <<EOF
<!doctype html>
<html lang="th"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>ติดตั้งใบรับรองของสำนักงาน · Install the office certificate</title>
<style>body{font-family:sans-serif;max-width:40em;margin:1em auto;padding:0 1em;line-height:1.6}
h1{font-size:1.3em}li{margin:.4em 0}.en{color:#555}@media print{a{color:#000}}</style></head>
<body>
<h1>ติดตั้งใบรับรองของสำนักงานบนโทรศัพท์ Android (ทำครั้งเดียว)</h1>
<ol>
<li>ต่อ Wi-Fi ของสำนักงาน แล้วเปิด <b>http://$site/office-ca/office-ca.crt</b> ใน Chrome เพื่อดาวน์โหลดใบรับรอง</li>
<li>เปิด <b>การตั้งค่า → ความปลอดภัย → การเข้ารหัสและข้อมูลเข้าสู่ระบบ → ติดตั้งใบรับรอง → ใบรับรอง CA</b>
 (บางรุ่น: การตั้งค่า → ความปลอดภัย → ตั้งค่าเพิ่มเติม) แล้วเลือกไฟล์ office-ca.crt ที่ดาวน์โหลด กด "ติดตั้งต่อไป"</li>
<li>เปิด <b>https://$site/m/</b> อีกครั้ง ต้องไม่มีคำเตือนความปลอดภัย แบบฟอร์มจึงใช้ GPS กล้อง และโหมดออฟไลน์ได้</li>
<li>ODK Collect: ใช้ URL เซิร์ฟเวอร์ที่ขึ้นต้นด้วย <b>https://$site/openrosa/</b> จาก QR ที่เจ้าหน้าที่ให้
 ถ้า Collect ยังแจ้งว่าใบรับรองไม่น่าเชื่อถือ ให้แจ้งเจ้าหน้าที่ (ทางแก้คือใช้โดเมนที่มีใบรับรองสาธารณะ)</li>
</ol>
<h2 class="en" lang="en">Install the office certificate on an Android phone (once)</h2>
<ol class="en" lang="en">
<li>On the office Wi-Fi, open <b>http://$site/office-ca/office-ca.crt</b> in Chrome to download it.</li>
<li>Open <b>Settings → Security → Encryption &amp; credentials → Install a certificate → CA certificate</b>
 (some phones: Settings → Security → More settings), pick office-ca.crt and tap "Install anyway".</li>
<li>Open <b>https://$site/m/</b> again: no security warning, so the form can use GPS, the camera and offline mode.</li>
<li>ODK Collect: use the server URL starting <b>https://$site/openrosa/</b> from the QR code the office gives you.
 If Collect still says the certificate is not trusted, tell the office (the fix is a domain with a public certificate).</li>
</ol>
<p class="en">ไม่ต้องติดตั้งใบรับรองอื่นใด ใบรับรองนี้ใช้ได้เฉพาะเซิร์ฟเวอร์ของสำนักงาน · Install no other certificate: this one is only for the office server.</p>
</body></html>
EOF
fi

# --- create or migrate the database now (the service also does it before each start) ----
if ! staged; then
  runuser -u "$user" -- bash -c "set -a; . $etc/fieldsvc.env; set +a; exec $venv/bin/fieldsvc db upgrade"
fi

# --- start -------------------------------------------------------------------------------
if staged; then
  say "staged under $root: nothing installed or started"
elif [ "$systemd_running" = 0 ]; then
  say "no systemd running (a container?): files written, services not started"
else
  systemctl daemon-reload
  systemctl enable --now fieldsvc.service fieldsvc-backup.timer
  [ "$changed" = 1 ] && systemctl restart fieldsvc.service
  systemctl enable caddy && systemctl reload-or-restart caddy
  if [ -z "$domain" ]; then
    ca=/var/lib/caddy/.local/share/caddy/pki/authorities/local/root.crt
    for _ in $(seq 1 20); do [ -f "$ca" ] && break; sleep 0.5; done
    if [ -f "$ca" ] && ! cmp -s "$ca" "$page_dir/office-ca.crt"; then install -m 644 "$ca" "$page_dir/office-ca.crt"; fi
  fi
  say "fieldsvc is running: $public_url  (check it with: sudo fieldsvc-admin doctor)"
fi
[ "$changed" = 0 ] && say "nothing changed"
exit 0
