"""Shapes of the words a command carries: codes and short texts (their meaning is checked by the rules)."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

Code = Annotated[str, Field(min_length=1, max_length=64)]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]
OrganisationName = Annotated[str, Field(pattern=r"^[^\x00-\x1f\x7f]{1,120}$",
                                        description="An organisation, never a person")]
