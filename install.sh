#!/bin/sh
# Installs wisdom from its GitHub releases: the binary for this machine, checked against its
# SHA-256 before anything is installed.
#
#     curl -sSfL <repository>/releases/latest/download/install.sh | sh
#
# WISDOM_VERSION       a version such as 0.2.0 (default: the latest release)
# WISDOM_INSTALL_DIR   where the binary goes (default: ~/.local/bin)
# WISDOM_REPOSITORY    the repository's URL (the released copy of this script knows it)
# WISDOM_DOWNLOAD_URL  where releases are (default: <repository>/releases/download), laid out
#                      as vX.Y.Z/wisdom-X.Y.Z-<target>.tar.gz (.zip on Windows) with a .sha256
#                      beside each, and ../latest/download/VERSION naming the latest
set -eu

# The release workflow writes the repository's URL here in the copy it attaches.
repository="${WISDOM_REPOSITORY:-@REPOSITORY@}"
dir="${WISDOM_INSTALL_DIR:-$HOME/.local/bin}"

fail() {
  echo "wisdom install: $*" >&2
  exit 1
}

case "$repository" in
  @*) [ -n "${WISDOM_DOWNLOAD_URL:-}" ] ||
    fail "this copy does not know wisdom's repository: set WISDOM_REPOSITORY=https://github.com/OWNER/wisdom" ;;
esac
download="${WISDOM_DOWNLOAD_URL:-$repository/releases/download}"
download="${download%/}"

os=$(uname -s)
arch=$(uname -m)
archive=tar.gz
case "$os/$arch" in
  Linux/x86_64 | Linux/amd64) target=x86_64-unknown-linux-musl ;;
  Linux/aarch64 | Linux/arm64) target=aarch64-unknown-linux-musl ;;
  Darwin/x86_64) target=x86_64-apple-darwin ;;
  Darwin/arm64 | Darwin/aarch64) target=aarch64-apple-darwin ;;
  MINGW*/x86_64 | MSYS*/x86_64 | CYGWIN*/x86_64) target=x86_64-pc-windows-msvc archive=zip ;;
  *) fail "no release is built for $os on $arch; build it from source: cargo install --locked --git $repository wisdom" ;;
esac

fetch() { # URL FILE
  if command -v curl >/dev/null 2>&1; then
    curl --proto '=https,http' -sSfL --retry 2 -o "$2" "$1"
  elif command -v wget >/dev/null 2>&1; then
    wget -q -O "$2" "$1"
  else
    fail "neither curl nor wget is installed"
  fi
}

sha256() {
  if command -v sha256sum >/dev/null 2>&1; then
    sha256sum "$1" | cut -d ' ' -f 1
  elif command -v shasum >/dev/null 2>&1; then
    shasum -a 256 "$1" | cut -d ' ' -f 1
  else
    fail "no sha256sum or shasum to check the download with"
  fi
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

version="${WISDOM_VERSION:-}"
if [ -z "$version" ]; then
  fetch "${download%/download}/latest/download/VERSION" "$tmp/VERSION" ||
    fail "cannot find the latest release at ${download%/download}/latest/download/VERSION"
  version=$(tr -d ' \r\n' <"$tmp/VERSION")
fi
version="${version#v}"

name="wisdom-$version-$target.$archive"
url="$download/v$version/$name"
fetch "$url" "$tmp/$name" || fail "no release asset at $url (is $version a released version?)"
fetch "$url.sha256" "$tmp/$name.sha256" || fail "no checksum at $url.sha256"
expected=$(cut -d ' ' -f 1 <"$tmp/$name.sha256")
actual=$(sha256 "$tmp/$name")
[ "$expected" = "$actual" ] ||
  fail "checksum mismatch for $name: expected $expected, got $actual; nothing was installed"

mkdir -p "$tmp/unpacked"
if [ "$archive" = zip ]; then
  unzip -q "$tmp/$name" -d "$tmp/unpacked" || fail "cannot unpack $name"
  binary=wisdom.exe
else
  tar -xzf "$tmp/$name" -C "$tmp/unpacked" || fail "cannot unpack $name"
  binary=wisdom
fi
[ -f "$tmp/unpacked/$binary" ] || fail "$name holds no $binary"
chmod +x "$tmp/unpacked/$binary"
"$tmp/unpacked/$binary" --version >/dev/null 2>&1 || fail "the downloaded $binary does not run on this machine"

mkdir -p "$dir"
mv -f "$tmp/unpacked/$binary" "$dir/$binary"
echo "installed $("$dir/$binary" --version) into $dir"
case ":$PATH:" in
  *":$dir:"*) ;;
  *) echo "add it to your PATH: echo 'export PATH=\"$dir:\$PATH\"' >> ~/.profile (then open a new shell)" ;;
esac
