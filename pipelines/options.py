"""Deployment-wide choices that change every pipeline definition (set in the typed settings, infra/settings.py)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class BuildOptions:
    spot: bool = True  # managed spot for training and tuning jobs
    subnets: tuple[str, ...] = ()  # with security_groups: every job runs in these private subnets
    security_groups: tuple[str, ...] = ()
    # instance family -> family to use instead in the parameter defaults, e.g. (("m5", "m6i"),)
    instance_families: tuple[tuple[str, str], ...] = ()

    @property
    def in_vpc(self) -> bool:
        return bool(self.subnets)

    def instance_type(self, instance_type: str) -> str:
        """ml.<family>.<size> with the family replaced as the settings ask; other types unchanged."""
        prefix, family, size = instance_type.split(".", 2)
        return f"{prefix}.{dict(self.instance_families).get(family, family)}.{size}"
