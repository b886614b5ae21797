#!/usr/bin/env bash
# Fetches include/qemu/qemu-plugin.h of the installed QEMU from Debian's
# `qemu` source package into a cache folder, and prints the folder that
# holds it (pass it to CMake as -DQEMU_PLUGIN_INCLUDE_DIR=...).
#
#   qemu_plugins/fetch-qemu-plugin-header.sh [CACHE_DIR]
#
# CACHE_DIR defaults to ${XDG_CACHE_HOME:-~/.cache}/ci-run/qemu-plugin-header.
# The system's apt sources are not touched: a private sources list with a
# deb-src line for the mirror of /etc/apt/sources.list* and private apt lists
# are used; only the source package's upstream tarball is downloaded (about
# 80 MB, once), and the one header is extracted from it. The header is
# GPL-2.0-or-later (Copyright (C) 2017 Emilio G. Cota, 2019 Linaro).
# Exit 0 with the folder on stdout; 1 with a reason on stderr.
set -euo pipefail
cache=${1:-${XDG_CACHE_HOME:-$HOME/.cache}/ci-run/qemu-plugin-header}
version=$(dpkg-query -W -f='${source:Version}' qemu-system-x86 2>/dev/null || true)
[ -n "$version" ] || { echo "fetch-qemu-plugin-header: qemu-system-x86 is not installed" >&2; exit 1; }
upstream=${version#*:}
upstream=${upstream%-*}
dest=$cache/$upstream
if [ -f "$dest/qemu/qemu-plugin.h" ]; then
  echo "$dest"
  exit 0
fi
# The mirror and suite of the system's Debian sources (deb822 or one-line format).
mirror=$(sed -n 's/^URIs: *\(http[^ ]*\/debian\)\/*$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
[ -n "$mirror" ] || mirror=$(sed -n 's/^deb  *\(\[[^]]*\] *\)\?\(http[^ ]*\/debian\)\/* .*/\2/p' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null | head -1)
[ -n "$mirror" ] || mirror=http://deb.debian.org/debian
suite=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
work=$cache/apt
mkdir -p "$work/lists/partial" "$work/archives/partial" "$dest/qemu"
printf 'deb-src %s %s main\ndeb-src %s %s-updates main\n' "$mirror" "$suite" "$mirror" "$suite" >"$work/sources.list"
apt_opts=(-o Dir::Etc::SourceList="$work/sources.list" -o Dir::Etc::SourceParts=/dev/null
  -o Dir::State::Lists="$work/lists" -o Dir::Cache="$work" -o Debug::NoLocking=1)
# As root, apt would download as user _apt, who cannot write into root's home.
[ "$(id -u)" -ne 0 ] || apt_opts+=(-o APT::Sandbox::User=root)
apt-get -q "${apt_opts[@]}" update >&2
tmp=$(mktemp -d "$cache/src.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
# --download-only: the .dsc and tarballs, not unpacked (no dpkg-dev needed).
(cd "$tmp" && apt-get -q "${apt_opts[@]}" source --download-only "qemu=$version" >&2) ||
  (cd "$tmp" && apt-get -q "${apt_opts[@]}" source --download-only qemu >&2)
orig=$(ls "$tmp"/qemu_*.orig.tar.* 2>/dev/null | head -1)
[ -n "$orig" ] || { echo "fetch-qemu-plugin-header: no qemu orig tarball downloaded" >&2; exit 1; }
tar -xf "$orig" -C "$tmp" --wildcards '*/include/qemu/qemu-plugin.h'
header=$(find "$tmp" -path '*/include/qemu/qemu-plugin.h' | head -1)
[ -n "$header" ] || { echo "fetch-qemu-plugin-header: no include/qemu/qemu-plugin.h in $orig" >&2; exit 1; }
cp "$header" "$dest/qemu/qemu-plugin.h"
rm -rf "$work"  # the source lists (20 MB): the header is all that is needed
echo "$dest"
