"""Runs a command under GNU time, for the benchmarks: wall and CPU seconds and peak RSS."""
import subprocess, sys


def timed(cmd, cwd):
    """Runs cmd in cwd; returns (wall s, CPU s, peak RSS MB). Exits with the command's
    stderr if it fails."""
    out = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", *cmd], cwd=cwd,
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    if out.returncode != 0:
        sys.exit(f"{cmd[0]} failed:\n{out.stderr[-2000:]}")
    wall, user, system, rss_kb = out.stderr.strip().splitlines()[-1].split()
    return float(wall), float(user) + float(system), int(rss_kb) / 1024
