#!/usr/bin/env bash
# Fetches the prebuilt Neuroglancer viewer (npm package @janelia-flyem/neuroglancer, Apache-2.0) and unpacks its
# package/dist/min/ into DEST, without source maps. `npm pack` downloads only the tarball: `npm install` would fail
# offline on the package's git dependency. The tarball's sha512 is checked against the pinned integrity, so a build
# serves exactly the bytes that were reviewed. Exit codes: 0 done (or already there), 3 npm or node missing,
# 4 integrity mismatch, other: npm or tar failed.
# usage: fetch-neuroglancer.sh VERSION SHA512-INTEGRITY DEST
set -euo pipefail
version="$1"; integrity="$2"; dest="$3"

if [[ -f "$dest/index.html" ]]; then exit 0; fi
if ! command -v npm >/dev/null || ! command -v node >/dev/null; then
  echo "fetch-neuroglancer: npm and node are needed to fetch the viewer; install Node.js with npm and rebuild" >&2
  exit 3
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/neuroglancer-fetch.XXXXXX")"
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "@janelia-flyem/neuroglancer@$version" --silent >/dev/null)
tarball="$(ls "$work"/*.tgz)"
actual="sha512-$(node -e 'const c=require("crypto"),f=require("fs");process.stdout.write(c.createHash("sha512").update(f.readFileSync(process.argv[1])).digest("base64"))' "$tarball")"
if [[ "$actual" != "$integrity" ]]; then
  echo "fetch-neuroglancer: $tarball has integrity $actual, expected $integrity" >&2
  exit 4
fi

mkdir -p "$work/unpacked"
tar -xzf "$tarball" -C "$work/unpacked" --exclude='*.map' package/dist/min
# Unpack beside DEST and rename: concurrent builds never see a half-written folder.
mkdir -p "$(dirname "$dest")"
staged="$(mktemp -d "$(dirname "$dest")/.staging.XXXXXX")"
mv "$work/unpacked/package/dist/min"/* "$staged/"
mv -T "$staged" "$dest" 2>/dev/null || rm -rf "$staged"   # lost a race: another build already put it there
