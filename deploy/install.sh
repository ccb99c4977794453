#!/usr/bin/env bash
# Publishes cremi, installs it in /opt/cremi with a dedicated user and data folders in /var/lib/cremi, and
# enables the systemd service. Run as root from the repository: sudo deploy/install.sh [--cuda]
set -euo pipefail
cd "$(dirname "$0")/.."

prefix=/opt/cremi
data=/var/lib/cremi
backend=cpu
[[ "${1:-}" == "--cuda" ]] && backend=cuda

[[ $EUID -eq 0 ]] || { echo "install.sh: run as root (it creates a user and writes to $prefix and /etc/systemd)" >&2; exit 1; }

# Framework-dependent publish for linux-x64: the dotnet runtime on the machine runs it (PrivateDevices=false
# keeps /dev/nvidia* reachable for CUDA builds).
staging=$(mktemp -d)
trap 'rm -rf "$staging"' EXIT
dotnet publish src/Cremi.Worker/Cremi.Worker.csproj -c Release -r linux-x64 --self-contained false \
  -p:TorchBackend="$backend" -o "$staging"

id cremi >/dev/null 2>&1 || useradd --system --home-dir "$data" --shell /usr/sbin/nologin cremi
install -d -o cremi -g cremi -m 0750 "$data" "$data/inbox" "$data/outbox" "$data/work" "$data/failed"
rm -rf "$prefix.new"
cp -r "$staging" "$prefix.new"
cp README.md "$prefix.new/"
# The MSBuild batch front door: labs import $prefix/Cremi.Batch.targets (or run Cremi.Batch.proj) with CremiCommand=$prefix/cremi.
cp deploy/Cremi.Batch.targets deploy/Cremi.Batch.proj "$prefix.new/"
# Settings edited on this machine survive an upgrade.
if [[ -d "$prefix/appsettings" ]]; then cp -r "$prefix/appsettings/." "$prefix.new/appsettings/"; fi
rm -rf "$prefix.old"
[[ -d "$prefix" ]] && mv "$prefix" "$prefix.old"
mv "$prefix.new" "$prefix"
chown -R root:root "$prefix"

install -m 0644 deploy/cremi-worker.service /etc/systemd/system/cremi-worker.service
systemd-analyze verify /etc/systemd/system/cremi-worker.service
systemctl daemon-reload
systemctl enable --now cremi-worker.service
systemctl --no-pager status cremi-worker.service || true
echo "installed: drop files in $data/inbox; settings in $prefix/appsettings/appsettings.json"
