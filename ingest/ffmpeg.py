"""ffprobe and ffmpeg (Debian's ``ffmpeg``): technical metadata of audio and video files
and a video's preview frame. Both run as subprocesses with a time limit, reading the
original in place; nothing is written next to it."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from eakte.errors import CorruptInput, DependencyMissing, ToolFailed

PROBE_SECONDS = 60
FRAME_SECONDS = 120
INSTALL = "ffmpeg fehlt: `apt-get install ffmpeg` (scripts/setup.sh)"


def probe(path: Path) -> dict[str, Any]:
    """Duration (seconds), container, bit rate, and per stream its kind and codec
    (video: width, height, frame rate; audio: sample rate, channels)."""
    done = _run(
        ["ffprobe", "-v", "error", "-print_format", "json", "-show_format", "-show_streams",
         str(path)],
        PROBE_SECONDS,
    )  # fmt: skip
    if done.returncode != 0:
        raise CorruptInput(f"Ton-/Videodatei ist nicht lesbar: {_last_line(done.stderr)}")
    data = json.loads(done.stdout or b"{}")
    container = data.get("format", {})
    streams = [_stream(s) for s in data.get("streams", []) if s.get("codec_type") in KINDS]
    if not streams:
        raise CorruptInput("Ton-/Videodatei enthält weder Ton- noch Bildspur")
    found: dict[str, Any] = {
        "container": container.get("format_long_name") or container.get("format_name"),
        "duration": _number(container.get("duration")),
        "bit_rate": _number(container.get("bit_rate")),
        "streams": streams,
    }
    video = next((s for s in streams if s["type"] == "video"), None)
    audio = next((s for s in streams if s["type"] == "audio"), None)
    if video:
        found |= {"video_codec": video["codec"], "width": video["width"], "height": video["height"]}
    if audio:
        found["audio_codec"] = audio["codec"]
    return {k: v for k, v in found.items() if v is not None}


KINDS = {"video": "video", "audio": "audio"}


def preview_frame(path: Path, at_seconds: float) -> bytes:
    """One frame at ``at_seconds`` as JPEG (scaled to at most 1280 pixels wide)."""
    done = _run(
        ["ffmpeg", "-v", "error", "-ss", f"{at_seconds:.3f}", "-i", str(path), "-frames:v", "1",
         "-vf", "scale='min(1280,iw)':-2", "-f", "image2", "-c:v", "mjpeg", "-q:v", "3", "-"],
        FRAME_SECONDS,
    )  # fmt: skip
    if done.returncode != 0 or not done.stdout:
        raise ToolFailed(f"Vorschaubild des Videos fehlgeschlagen: {_last_line(done.stderr)}")
    return done.stdout


def _stream(stream: dict[str, Any]) -> dict[str, Any]:
    kind = KINDS[stream["codec_type"]]
    found: dict[str, Any] = {"type": kind, "codec": stream.get("codec_name")}
    if kind == "video":
        found |= {"width": stream.get("width"), "height": stream.get("height")}
        found["frame_rate"] = _rate(stream.get("avg_frame_rate"))
    else:
        found |= {
            "sample_rate": _number(stream.get("sample_rate")),
            "channels": stream.get("channels"),
        }
    return found


def _run(command: list[str], seconds: int) -> subprocess.CompletedProcess[bytes]:
    if shutil.which(command[0]) is None:
        raise DependencyMissing(INSTALL)
    try:
        return subprocess.run(command, capture_output=True, timeout=seconds, check=False)
    except subprocess.TimeoutExpired as exc:
        raise ToolFailed(f"{command[0]} brauchte länger als {seconds} s") from exc


def _number(value: Any) -> float | None:
    try:
        return round(float(value), 3)
    except (TypeError, ValueError):
        return None


def _rate(value: Any) -> float | None:
    """``25/1`` → 25.0; ``0/0`` (unknown) → None."""
    try:
        top, bottom = (float(part) for part in str(value).split("/"))
    except ValueError:
        return None
    return round(top / bottom, 3) if bottom else None


def _last_line(stderr: bytes) -> str:
    lines = stderr.decode("utf-8", "replace").strip().splitlines()
    return lines[-1][:200] if lines else "ohne Meldung"
