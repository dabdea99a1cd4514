"""Journal visibility: private means the author alone, ever."""

from __future__ import annotations

from tracker.domain.messages import N_

PRIVATE = "private"
SHARED = "shared"

VISIBILITY_LABELS = {
    PRIVATE: N_("Private: only you can open it here"),
    SHARED: N_("Shared with your care team"),
}
