"""The caps an exercise sets for one whole grading run (`limits:` in exercise.yaml)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Limits(BaseModel):
    """Caps for one whole grading run."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    time: float = Field(default=10, gt=0, le=120)  # seconds
    memory: int = Field(default=256, ge=32, le=2048)  # MiB
    output: int = Field(default=64, ge=1, le=1024)  # KiB
